//! SoHoa Desk workflow engine.
