//! Watched folder driver.
