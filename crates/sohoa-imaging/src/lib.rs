//! Page clean-up (in progress).
