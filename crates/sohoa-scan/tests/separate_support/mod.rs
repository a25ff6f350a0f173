#![allow(dead_code)]
pub mod folder;
pub mod pages;
