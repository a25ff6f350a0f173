//! twain.h constants used by the backend and the fake (TWAIN 2.4).

// Containers
pub const TWON_ARRAY: u16 = 3;
pub const TWON_ENUMERATION: u16 = 4;
pub const TWON_ONEVALUE: u16 = 5;
pub const TWON_RANGE: u16 = 6;
pub const TWON_DONTCARE16: u16 = 0xffff;
pub const TWON_PROTOCOLMAJOR: u16 = 2;
pub const TWON_PROTOCOLMINOR: u16 = 4;

pub const TWMF_APPOWNS: u32 = 0x0001;
pub const TWMF_POINTER: u32 = 0x0008;

// Item types
pub const TWTY_INT8: u16 = 0;
pub const TWTY_INT16: u16 = 1;
pub const TWTY_INT32: u16 = 2;
pub const TWTY_UINT8: u16 = 3;
pub const TWTY_UINT16: u16 = 4;
pub const TWTY_UINT32: u16 = 5;
pub const TWTY_BOOL: u16 = 6;
pub const TWTY_FIX32: u16 = 7;
pub const TWTY_FRAME: u16 = 8;
pub const TWTY_STR32: u16 = 9;
pub const TWTY_STR64: u16 = 10;
pub const TWTY_STR128: u16 = 11;
pub const TWTY_STR255: u16 = 12;
pub const TWTY_HANDLE: u16 = 15;

// Data groups
pub const DG_CONTROL: u32 = 0x0001;
pub const DG_IMAGE: u32 = 0x0002;
pub const DF_DSM2: u32 = 0x1000_0000;
pub const DF_APP2: u32 = 0x2000_0000;
pub const DF_DS2: u32 = 0x4000_0000;

// Data argument types
pub const DAT_NULL: u16 = 0x0000;
pub const DAT_CAPABILITY: u16 = 0x0001;
pub const DAT_EVENT: u16 = 0x0002;
pub const DAT_IDENTITY: u16 = 0x0003;
pub const DAT_PARENT: u16 = 0x0004;
pub const DAT_PENDINGXFERS: u16 = 0x0005;
pub const DAT_SETUPMEMXFER: u16 = 0x0006;
pub const DAT_STATUS: u16 = 0x0008;
pub const DAT_USERINTERFACE: u16 = 0x0009;
pub const DAT_CALLBACK: u16 = 0x0010;
pub const DAT_CALLBACK2: u16 = 0x0012;
pub const DAT_IMAGEINFO: u16 = 0x0101;
pub const DAT_IMAGELAYOUT: u16 = 0x0102;
pub const DAT_IMAGEMEMXFER: u16 = 0x0103;
pub const DAT_IMAGENATIVEXFER: u16 = 0x0104;
pub const DAT_EXTIMAGEINFO: u16 = 0x010b;
pub const DAT_ENTRYPOINT: u16 = 0x0403;

// Messages
pub const MSG_GET: u16 = 0x0001;
pub const MSG_GETCURRENT: u16 = 0x0002;
pub const MSG_GETDEFAULT: u16 = 0x0003;
pub const MSG_GETFIRST: u16 = 0x0004;
pub const MSG_GETNEXT: u16 = 0x0005;
pub const MSG_SET: u16 = 0x0006;
pub const MSG_RESET: u16 = 0x0007;
pub const MSG_QUERYSUPPORT: u16 = 0x0008;
pub const MSG_XFERREADY: u16 = 0x0101;
pub const MSG_CLOSEDSREQ: u16 = 0x0102;
pub const MSG_CLOSEDSOK: u16 = 0x0103;
pub const MSG_DEVICEEVENT: u16 = 0x0104;
pub const MSG_OPENDSM: u16 = 0x0301;
pub const MSG_CLOSEDSM: u16 = 0x0302;
pub const MSG_OPENDS: u16 = 0x0401;
pub const MSG_CLOSEDS: u16 = 0x0402;
pub const MSG_DISABLEDS: u16 = 0x0501;
pub const MSG_ENABLEDS: u16 = 0x0502;
pub const MSG_PROCESSEVENT: u16 = 0x0601;
pub const MSG_ENDXFER: u16 = 0x0701;
pub const MSG_STOPFEEDER: u16 = 0x0702;
pub const MSG_REGISTER_CALLBACK: u16 = 0x0902;

// Capabilities
pub const CAP_CUSTOMBASE: u16 = 0x8000;
pub const CAP_XFERCOUNT: u16 = 0x0001;
pub const ICAP_COMPRESSION: u16 = 0x0100;
pub const ICAP_PIXELTYPE: u16 = 0x0101;
pub const ICAP_UNITS: u16 = 0x0102;
pub const ICAP_XFERMECH: u16 = 0x0103;
pub const CAP_FEEDERENABLED: u16 = 0x1002;
pub const CAP_FEEDERLOADED: u16 = 0x1003;
pub const CAP_SUPPORTEDCAPS: u16 = 0x1005;
pub const CAP_DUPLEX: u16 = 0x1012;
pub const CAP_DUPLEXENABLED: u16 = 0x1013;
pub const CAP_AUTOMATICSENSEMEDIUM: u16 = 0x103b;
pub const CAP_DOUBLEFEEDDETECTION: u16 = 0x103f;
pub const ICAP_BRIGHTNESS: u16 = 0x1101;
pub const ICAP_CONTRAST: u16 = 0x1103;
pub const ICAP_PHYSICALWIDTH: u16 = 0x1111;
pub const ICAP_PHYSICALHEIGHT: u16 = 0x1112;
pub const ICAP_XRESOLUTION: u16 = 0x1118;
pub const ICAP_YRESOLUTION: u16 = 0x1119;
pub const ICAP_BITDEPTH: u16 = 0x112b;
pub const ICAP_EXTIMAGEINFO: u16 = 0x112f;
pub const ICAP_AUTODISCARDBLANKPAGES: u16 = 0x1134;
pub const ICAP_AUTOMATICBORDERDETECTION: u16 = 0x1150;
pub const ICAP_AUTOMATICDESKEW: u16 = 0x1151;
pub const ICAP_AUTOMATICROTATE: u16 = 0x1152;

// Extended image info
pub const TWEI_PAGESIDE: u16 = 0x1245;
pub const TWCS_TOP: u16 = 1;
pub const TWCS_BOTTOM: u16 = 2;

// ICAP values
pub const TWPT_BW: u16 = 0;
pub const TWPT_GRAY: u16 = 1;
pub const TWPT_RGB: u16 = 2;
pub const TWSX_NATIVE: u16 = 0;
pub const TWSX_MEMORY: u16 = 2;
pub const TWUN_INCHES: u16 = 0;
pub const TWCP_NONE: u16 = 0;
/// ICAP_AUTODISCARDBLANKPAGES: -2 disables, -1 lets the source decide, >= 0 is a byte-size threshold.
pub const TWBP_DISABLE: i32 = -2;
pub const TWBP_AUTO: i32 = -1;

/// MSG_QUERYSUPPORT flag: the capability accepts MSG_SET.
pub const TWQC_SET: u32 = 0x0002;

// Return codes
pub const TWRC_SUCCESS: u16 = 0;
pub const TWRC_FAILURE: u16 = 1;
pub const TWRC_CHECKSTATUS: u16 = 2;
pub const TWRC_CANCEL: u16 = 3;
pub const TWRC_DSEVENT: u16 = 4;
pub const TWRC_NOTDSEVENT: u16 = 5;
pub const TWRC_XFERDONE: u16 = 6;
pub const TWRC_ENDOFLIST: u16 = 7;
pub const TWRC_INFONOTSUPPORTED: u16 = 8;
pub const TWRC_BUSY: u16 = 10;

// Condition codes
pub const TWCC_SUCCESS: u16 = 0;
pub const TWCC_BUMMER: u16 = 1;
pub const TWCC_LOWMEMORY: u16 = 2;
pub const TWCC_NODS: u16 = 3;
pub const TWCC_MAXCONNECTIONS: u16 = 4;
pub const TWCC_OPERATIONERROR: u16 = 5;
pub const TWCC_BADCAP: u16 = 6;
pub const TWCC_BADPROTOCOL: u16 = 9;
pub const TWCC_BADVALUE: u16 = 10;
pub const TWCC_SEQERROR: u16 = 11;
pub const TWCC_BADDEST: u16 = 12;
pub const TWCC_CAPUNSUPPORTED: u16 = 13;
pub const TWCC_CAPBADOPERATION: u16 = 14;
pub const TWCC_CAPSEQERROR: u16 = 15;
pub const TWCC_DENIED: u16 = 16;
pub const TWCC_PAPERJAM: u16 = 20;
pub const TWCC_PAPERDOUBLEFEED: u16 = 21;
pub const TWCC_CHECKDEVICEONLINE: u16 = 23;
pub const TWCC_INTERLOCK: u16 = 24;
pub const TWCC_NOMEDIA: u16 = 29;
