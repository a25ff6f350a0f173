//! A filled-in CMND application form (tờ khai CMND) as the reception scanner sees it: national title, form
//! title and the six numbered lines of the ID-card dossier, in the layout of the `cmnd-form` extraction
//! profile (assets/extraction/cmnd-form.toml). The desk's field suggestions are tested on it.

use image::{Rgb, RgbImage};

use crate::{PageFont, TestkitError};

/// What the applicant wrote, as printed on the form (dates `dd/mm/yyyy`).
#[derive(Debug, Clone)]
pub struct CmndForm {
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    pub cmnd_number: String,
    pub father_name: String,
    pub mother_name: String,
}

impl CmndForm {
    /// The test citizen of the reception tests (the same person as [`crate::card::CCCD_PAYLOAD`]).
    pub fn test_citizen() -> CmndForm {
        CmndForm {
            full_name: "Nguyễn Văn An".to_owned(),
            birth_date: "05/04/2003".to_owned(),
            sex: "Nam".to_owned(),
            cmnd_number: "025123456".to_owned(),
            father_name: "Nguyễn Văn Bình".to_owned(),
            mother_name: "Trần Thị Cúc".to_owned(),
        }
    }
}

/// The form on A4 at `dpi` in colour (a legal copy is scanned in colour), black print on white paper.
pub fn cmnd_form(f: &CmndForm, dpi: u32) -> Result<RgbImage, TestkitError> {
    let font = PageFont::load_default()?;
    let (w, h) = (mm(210.0, dpi), mm(297.0, dpi));
    let mut img = RgbImage::from_pixel(w as u32, h as u32, Rgb([255, 255, 255]));
    let ink = Rgb([20, 20, 20]);
    let centred = |img: &mut RgbImage, pt: f32, y: f32, text: &str| {
        let scale = font.scale(pt, dpi);
        let x = (w - font.width(text, scale)) / 2.0;
        font.draw(img, text, x, y, scale, ink);
    };
    centred(&mut img, 13.0, 0.08 * h, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    centred(&mut img, 12.0, 0.105 * h, "Độc lập - Tự do - Hạnh phúc");
    centred(&mut img, 15.0, 0.16 * h, "TỜ KHAI CHỨNG MINH NHÂN DÂN");
    let scale = font.scale(11.0, dpi);
    let left = 0.065 * w;
    let lines = [
        (left, 0.275, format!("1. Họ và tên: {}", f.full_name)),
        (left, 0.335, format!("2. Sinh ngày: {}", f.birth_date)),
        (0.625 * w, 0.335, format!("Giới tính: {}", f.sex)),
        (left, 0.395, format!("3. Số CMND: {}", f.cmnd_number)),
        (left, 0.455, format!("4. Họ và tên cha: {}", f.father_name)),
        (left, 0.515, format!("5. Họ và tên mẹ: {}", f.mother_name)),
    ];
    for (x, y, text) in lines {
        font.draw(&mut img, &text, x, y * h, scale, ink);
    }
    Ok(img)
}

fn mm(v: f32, dpi: u32) -> f32 {
    (v / 25.4 * dpi as f32).round()
}
