#![allow(dead_code)]
pub mod pages;
