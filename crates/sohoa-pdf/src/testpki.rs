//! Test fixtures (feature `test-support`, never in release builds): a throw-away CA issuing signer,
//! expired, wrong-usage and TSA certificates, and a small RFC 3161 timestamp server on loopback. Tests
//! of this crate and of the CLI use them so every signed output can be checked by pyHanko and pdfsig
//! against a real chain. The TSA is a real HTTP server speaking the real protocol; only its key is a
//! software key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use const_oid::{AssociatedOid, ObjectIdentifier};
use der::asn1::GeneralizedTime;
use der::{Decode, Encode, EncodePem};
use p256::pkcs8::EncodePrivateKey;
use sha2::Digest;
use sohoa_sign::pkcs12::Pkcs12Signer;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

/// Which certificate to issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf {
    Signer,
    Expired,
    EncryptionOnly,
    Tsa,
}

/// EKU marked critical, as RFC 3161 requires for TSA certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CriticalEku(ExtendedKeyUsage);

impl AssociatedOid for CriticalEku {
    const OID: ObjectIdentifier = ExtendedKeyUsage::OID;
}

impl der::Encode for CriticalEku {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }
    fn encode(&self, w: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(w)
    }
}

impl x509_cert::ext::AsExtension for CriticalEku {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        true
    }
}

pub struct TestPki {
    ca_key: p256::ecdsa::SigningKey,
    pub ca_der: Vec<u8>,
    ca_name: Name,
    serial: u8,
}

fn time(offset_days: i64) -> Time {
    let now = SystemTime::now();
    let d = Duration::from_secs(offset_days.unsigned_abs() * 86_400);
    let t = if offset_days < 0 { now - d } else { now + d };
    Time::try_from(t).unwrap()
}

impl TestPki {
    pub fn new() -> TestPki {
        let ca_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let ca_name = Name::from_str("CN=SoHoa Test Root CA,O=SoHoa Desk Test,C=VN").unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_key(*ca_key.verifying_key()).unwrap();
        let mut b = CertificateBuilder::new(
            Profile::Manual { issuer: None },
            SerialNumber::new(&[1]).unwrap(),
            Validity {
                not_before: time(-30),
                not_after: time(3650),
            },
            ca_name.clone(),
            spki,
            &ca_key,
        )
        .unwrap();
        b.add_extension(&BasicConstraints {
            ca: true,
            path_len_constraint: None,
        })
        .unwrap();
        b.add_extension(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign))
            .unwrap();
        let cert = b.build::<p256::ecdsa::DerSignature>().unwrap();
        TestPki {
            ca_key,
            ca_der: cert.to_der().unwrap(),
            ca_name,
            serial: 1,
        }
    }

    pub fn ca_pem(&self) -> String {
        x509_cert::Certificate::from_der(&self.ca_der)
            .unwrap()
            .to_pem(der::pem::LineEnding::LF)
            .unwrap()
    }

    /// Issues a certificate for `spki`.
    fn issue_spki(&mut self, leaf: Leaf, cn: &str, spki: SubjectPublicKeyInfoOwned) -> Vec<u8> {
        self.serial += 1;
        let validity = match leaf {
            Leaf::Expired => Validity {
                not_before: time(-400),
                not_after: time(-35),
            },
            _ => Validity {
                not_before: time(-1),
                not_after: time(730),
            },
        };
        let mut b = CertificateBuilder::new(
            Profile::Manual {
                issuer: Some(self.ca_name.clone()),
            },
            SerialNumber::new(&[self.serial, 0x5A]).unwrap(),
            validity,
            Name::from_str(&format!("CN={cn},O=SoHoa Desk Test,C=VN")).unwrap(),
            spki,
            &self.ca_key,
        )
        .unwrap();
        b.add_extension(&BasicConstraints {
            ca: false,
            path_len_constraint: None,
        })
        .unwrap();
        let ku = match leaf {
            Leaf::EncryptionOnly => KeyUsages::KeyEncipherment.into(),
            _ => KeyUsages::DigitalSignature | KeyUsages::NonRepudiation,
        };
        b.add_extension(&KeyUsage(ku)).unwrap();
        if leaf == Leaf::Tsa {
            let ts = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
            b.add_extension(&CriticalEku(ExtendedKeyUsage(vec![ts]))).unwrap();
        }
        b.build::<p256::ecdsa::DerSignature>().unwrap().to_der().unwrap()
    }

    /// An ECDSA P-256 key with its certificate: (PKCS#8 DER, certificate DER).
    pub fn issue_ec(&mut self, leaf: Leaf, cn: &str) -> (Vec<u8>, Vec<u8>) {
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).unwrap();
        let cert = self.issue_spki(leaf, cn, spki);
        (key.to_pkcs8_der().unwrap().as_bytes().to_vec(), cert)
    }

    /// An RSA-2048 key with its certificate.
    pub fn issue_rsa(&mut self, leaf: Leaf, cn: &str) -> (Vec<u8>, Vec<u8>) {
        let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).unwrap();
        let cert = self.issue_spki(leaf, cn, spki);
        (
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
                .unwrap()
                .as_bytes()
                .to_vec(),
            cert,
        )
    }

    pub fn signer(&mut self, leaf: Leaf, cn: &str) -> Pkcs12Signer {
        let (key, cert) = self.issue_ec(leaf, cn);
        Pkcs12Signer::from_pkcs8(&key, cert, vec![self.ca_der.clone()]).unwrap()
    }
}

impl Default for TestPki {
    fn default() -> Self {
        Self::new()
    }
}

/// A running test TSA; dropped = the listener thread ends with the process.
pub struct TestTsa {
    pub url: String,
}

/// Starts an RFC 3161 server on 127.0.0.1 (any free port) answering every request.
pub fn start_tsa(pki: &mut TestPki) -> TestTsa {
    let (key, cert) = pki.issue_ec(Leaf::Tsa, "SoHoa Test TSA");
    let ca = pki.ca_der.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut serial = 1000u32;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            serial += 1;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; len];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let mut signer = Pkcs12Signer::from_pkcs8(&key, cert.clone(), vec![ca.clone()]).unwrap();
            let reply = answer(&body, serial, &mut signer);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&reply);
        }
    });
    TestTsa { url }
}

fn answer(req_der: &[u8], serial: u32, signer: &mut Pkcs12Signer) -> Vec<u8> {
    let req = x509_tsp::TimeStampReq::from_der(req_der).unwrap();
    let tst = x509_tsp::TstInfo {
        version: x509_tsp::TspVersion::V1,
        policy: ObjectIdentifier::new_unwrap("1.3.6.1.4.1.55555.1.1"),
        message_imprint: req.message_imprint,
        serial_number: crate::sign::tsa::der_uint(u64::from(serial)).unwrap(),
        gen_time: GeneralizedTime::from_system_time(SystemTime::now()).unwrap(),
        accuracy: None,
        ordering: false,
        nonce: req.nonce,
        tsa: None,
        extensions: None,
    };
    let tst_der = tst.to_der().unwrap();
    let digest = sha2::Sha256::digest(&tst_der);
    let token = crate::sign::cms::build_signed_data(
        signer,
        crate::sign::cms::OID_TST_INFO,
        Some(&tst_der),
        &digest,
        None,
    )
    .unwrap();
    let resp = x509_tsp::TimeStampResp {
        status: cmpv2::status::PkiStatusInfo {
            status: cmpv2::status::PkiStatus::Accepted,
            status_string: None,
            fail_info: None,
        },
        time_stamp_token: Some(cms::content_info::ContentInfo::from_der(&token).unwrap()),
    };
    resp.to_der().unwrap()
}
