//! Durable record store of SoHoa Desk.
