//! Domain model of SoHoa Desk.
