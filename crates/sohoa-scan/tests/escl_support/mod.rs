//! A small eSCL scanner for the tests, on a std TcpListener (HTTP/1.1, one request per connection).
//! It serves real PNG/JPEG pages whose top-left block encodes the page number, and can answer 503
//! (busy), jam after N pages, or report an empty feeder.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use image::{DynamicImage, GrayImage, Luma};

#[derive(Clone, Debug)]
pub struct Behaviour {
    pub sheets: u32,
    pub busy_before_each_page: u32,
    pub busy_forever: bool,
    pub jam_after: Option<u32>,
    /// What NextDocument answers at the jam (404 ends the job; HP devices answer 409).
    pub jam_code: u16,
    pub adf_empty: bool,
    pub formats: Vec<&'static str>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            sheets: 5,
            busy_before_each_page: 0,
            busy_forever: false,
            jam_after: None,
            jam_code: 404,
            adf_empty: false,
            formats: vec!["image/png", "image/jpeg"],
        }
    }
}

#[derive(Default)]
struct Job {
    total: u32,
    served: u32,
    deleted: bool,
}

#[derive(Default)]
pub struct State {
    pub behaviour: Behaviour,
    pub requests: Vec<(String, String, String)>,
    jobs: HashMap<u32, Job>,
    next_job: u32,
    busy_count: u32,
    jammed: bool,
}

pub struct Server {
    pub root: String,
    pub state: Arc<Mutex<State>>,
}

impl Server {
    pub fn start(b: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let root = format!("http://{}/eSCL", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            behaviour: b,
            next_job: 1,
            ..Default::default()
        }));
        let st = Arc::clone(&state);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                handle(conn, &st);
            }
        });
        Server { root, state }
    }

    pub fn requests(&self) -> Vec<(String, String, String)> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn count(&self, method: &str, path_suffix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|(m, p, _)| m == method && p.ends_with(path_suffix))
            .count()
    }

    pub fn job_deleted(&self, id: u32) -> bool {
        self.state
            .lock()
            .unwrap()
            .jobs
            .get(&id)
            .is_some_and(|j| j.deleted)
    }
}

fn page_image(n: u32, format: &str) -> Vec<u8> {
    let img = GrayImage::from_fn(100, 140, |x, y| {
        Luma([if x < 16 && y < 16 {
            (n * 20) as u8
        } else {
            255 - (y % 64) as u8
        }])
    });
    let fmt = if format == "image/png" {
        image::ImageFormat::Png
    } else {
        image::ImageFormat::Jpeg
    };
    let mut out = Vec::new();
    DynamicImage::ImageLuma8(img)
        .write_to(&mut Cursor::new(&mut out), fmt)
        .unwrap();
    out
}

fn capabilities(b: &Behaviour) -> String {
    let formats: String = b
        .formats
        .iter()
        .map(|f| format!("<pwg:DocumentFormat>{f}</pwg:DocumentFormat>"))
        .collect();
    let input = format!(
        "<scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth><scan:MinHeight>16</scan:MinHeight>\
         <scan:MaxHeight>3508</scan:MaxHeight><scan:SettingProfiles><scan:SettingProfile><scan:ColorModes>\
         <scan:ColorMode>BlackAndWhite1</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>RGB24</scan:ColorMode>\
         </scan:ColorModes><scan:DocumentFormats>{formats}</scan:DocumentFormats><scan:SupportedResolutions><scan:DiscreteResolutions>{}\
         </scan:DiscreteResolutions></scan:SupportedResolutions></scan:SettingProfile></scan:SettingProfiles>",
        [100, 200, 300, 600]
            .iter()
            .map(|r| format!("<scan:DiscreteResolution><scan:XResolution>{r}</scan:XResolution><scan:YResolution>{r}</scan:YResolution></scan:DiscreteResolution>"))
            .collect::<String>()
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><scan:ScannerCapabilities xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" \
         xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\"><pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>Test eSCL MFP</pwg:MakeAndModel>\
         <scan:Manufacturer>SoHoa Test</scan:Manufacturer><scan:Platen><scan:PlatenInputCaps>{input}</scan:PlatenInputCaps></scan:Platen>\
         <scan:Adf><scan:AdfSimplexInputCaps>{input}</scan:AdfSimplexInputCaps><scan:AdfDuplexInputCaps>{input}</scan:AdfDuplexInputCaps>\
         <scan:FeederCapacity>50</scan:FeederCapacity><scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>\
         <scan:AdfOption>Duplex</scan:AdfOption></scan:AdfOptions></scan:Adf></scan:ScannerCapabilities>"
    )
}

fn handle(conn: TcpStream, st: &Arc<Mutex<State>>) {
    let mut r = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_owned(),
        parts.next().unwrap_or("").to_owned(),
    );
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    let _ = r.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    let (code, ctype, out, location) = route(st, &method, &path, &body);
    let reason = match code {
        200 => "OK",
        201 => "Created",
        404 => "Not Found",
        409 => "Conflict",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Length: {}\r\nContent-Type: {ctype}\r\nConnection: close\r\n",
        out.len()
    );
    if let Some(l) = location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    head.push_str("\r\n");
    let mut w = conn;
    let _ = w.write_all(head.as_bytes());
    let _ = w.write_all(&out);
}

fn route(
    st: &Arc<Mutex<State>>,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, &'static str, Vec<u8>, Option<String>) {
    let mut s = st.lock().unwrap();
    s.requests
        .push((method.to_owned(), path.to_owned(), body.to_owned()));
    let b = s.behaviour.clone();
    let xml = |x: String| (200, "text/xml", x.into_bytes(), None);
    let empty = |code: u16| (code, "text/plain", Vec::new(), None);
    match (method, path) {
        ("GET", "/eSCL/ScannerCapabilities") => xml(capabilities(&b)),
        ("GET", "/eSCL/ScannerStatus") => {
            let adf = if s.jammed {
                "ScannerAdfJam"
            } else if b.adf_empty {
                "ScannerAdfEmpty"
            } else {
                "ScannerAdfLoaded"
            };
            let state = if s.jobs.values().any(|j| !j.deleted && j.served < j.total) {
                "Processing"
            } else {
                "Idle"
            };
            xml(format!(
                "<?xml version=\"1.0\"?><scan:ScannerStatus xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" \
                 xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\"><pwg:Version>2.0</pwg:Version><pwg:State>{state}</pwg:State>\
                 <scan:AdfState>{adf}</scan:AdfState></scan:ScannerStatus>"
            ))
        }
        ("POST", "/eSCL/ScanJobs") => {
            if b.busy_forever {
                return empty(503);
            }
            let feeder = body.contains("<pwg:InputSource>Feeder</pwg:InputSource>");
            if feeder && b.adf_empty {
                return empty(409);
            }
            let duplex = body.contains("<scan:Duplex>true</scan:Duplex>");
            let total = if feeder {
                b.sheets * if duplex { 2 } else { 1 }
            } else {
                1
            };
            let id = s.next_job;
            s.next_job += 1;
            s.jobs.insert(
                id,
                Job {
                    total,
                    ..Default::default()
                },
            );
            (
                201,
                "text/plain",
                Vec::new(),
                Some(format!("/eSCL/ScanJobs/{id}")),
            )
        }
        ("GET", p) if p.starts_with("/eSCL/ScanJobs/") && p.ends_with("/NextDocument") => {
            let id: u32 = p
                .trim_start_matches("/eSCL/ScanJobs/")
                .trim_end_matches("/NextDocument")
                .parse()
                .unwrap_or(0);
            if b.busy_forever || s.busy_count < b.busy_before_each_page {
                s.busy_count += 1;
                return empty(503);
            }
            s.busy_count = 0;
            let jam_now = b
                .jam_after
                .is_some_and(|n| s.jobs.get(&id).is_some_and(|j| j.served >= n));
            if jam_now {
                s.jammed = true;
                return empty(b.jam_code);
            }
            let Some(job) = s.jobs.get_mut(&id) else {
                return empty(404);
            };
            if job.deleted || job.served >= job.total {
                return empty(404);
            }
            job.served += 1;
            let n = job.served;
            let fmt = if b.formats.contains(&"image/png") {
                "image/png"
            } else {
                "image/jpeg"
            };
            (
                200,
                if fmt == "image/png" {
                    "image/png"
                } else {
                    "image/jpeg"
                },
                page_image(n, fmt),
                None,
            )
        }
        ("DELETE", p) if p.starts_with("/eSCL/ScanJobs/") => {
            let id: u32 = p.trim_start_matches("/eSCL/ScanJobs/").parse().unwrap_or(0);
            match s.jobs.get_mut(&id) {
                Some(j) => {
                    j.deleted = true;
                    empty(200)
                }
                None => empty(404),
            }
        }
        _ => empty(404),
    }
}
