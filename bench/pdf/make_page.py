#!/usr/bin/python3
"""Renders a colour A4 page at 300 dpi like a scanned Vietnamese administrative letter: off-white
noisy paper, Liberation Serif text, a red seal ring with text, a blue signature. Usage: make_page.py OUT.png"""
import math, random, sys
from PIL import Image, ImageDraw, ImageFont, ImageFilter

W, H, DPI = 2480, 3508, 300
random.seed(7)
img = Image.new("RGB", (W, H), (244, 240, 228))
px = img.load()
for _ in range(400000):
    x, y = random.randrange(W), random.randrange(H)
    v = random.randint(-12, 12)
    r, g, b = px[x, y]
    px[x, y] = (r + v, g + v, b + v)
d = ImageDraw.Draw(img)
serif = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
bold = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
f = ImageFont.truetype(serif, 54)
fb = ImageFont.truetype(bold, 54)
d.text((200, 180), "CÔNG AN TỈNH HÒA BÌNH", font=fb, fill=(20, 20, 24))
d.text((1250, 180), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=fb, fill=(20, 20, 24))
d.text((1450, 260), "Độc lập - Tự do - Hạnh phúc", font=fb, fill=(20, 20, 24))
d.text((200, 260), "Số: 194/CAH-TH", font=f, fill=(20, 20, 24))
d.text((1400, 360), "Hòa Bình, ngày 05 tháng 6 năm 2022", font=f, fill=(20, 20, 24))
d.text((900, 520), "GIẤY XÁC NHẬN CƯ TRÚ", font=ImageFont.truetype(bold, 72), fill=(20, 20, 24))
body = ("Công an phường Phương Lâm xác nhận ông Nguyễn Văn Bình, sinh ngày 12 tháng 3 năm 1985, "
        "số định danh cá nhân 017085001234, hiện đang cư trú tại số 27 đường Trần Hưng Đạo, tổ 5, "
        "phường Phương Lâm, thành phố Hòa Bình. Giấy xác nhận này có giá trị trong thời hạn sáu tháng "
        "kể từ ngày ký để làm thủ tục đăng ký thường trú theo quy định của Luật Cư trú năm 2020. ")
words = (body * 4).split()
y, line = 700, ""
for w in words:
    trial = (line + " " + w).strip()
    if d.textlength(trial, font=f) > W - 400:
        d.text((200, y), line, font=f, fill=(22, 22, 26)); y += 80; line = w
        if y > 2300: break
    else:
        line = trial
d.text((200, y), line, font=f, fill=(22, 22, 26))
# Red seal (ring + inner ring + star + text), slightly transparent over the signature.
cx, cy, R = 1750, 2850, 230
seal = Image.new("RGBA", (W, H), (0, 0, 0, 0))
sd = ImageDraw.Draw(seal)
sd.ellipse((cx - R, cy - R, cx + R, cy + R), outline=(200, 30, 40, 220), width=14)
sd.ellipse((cx - R + 60, cy - R + 60, cx + R - 60, cy + R - 60), outline=(200, 30, 40, 220), width=6)
pts = [(cx + 60 * math.cos(math.pi / 2 + k * 4 * math.pi / 5), cy - 60 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
sd.polygon(pts, fill=(200, 30, 40, 220))
fs = ImageFont.truetype(bold, 34)
for i, ch in enumerate("CÔNG AN TỈNH HÒA BÌNH * "):
    a = math.pi + i * 2 * math.pi / 24
    sd.text((cx + (R - 40) * math.cos(a) - 12, cy + (R - 40) * math.sin(a) - 18), ch, font=fs, fill=(200, 30, 40, 220))
# Blue signature
sig = [(1500 + t, 2800 + int(50 * math.sin(t / 35.0)) + int(20 * math.sin(t / 7.0))) for t in range(0, 450, 3)]
d.line(sig, fill=(30, 45, 160), width=6)
img = Image.alpha_composite(img.convert("RGBA"), seal).convert("RGB")
d = ImageDraw.Draw(img)
d.text((1500, 3150), "Đại tá Trần Văn Hùng", font=fb, fill=(20, 20, 24))
img = img.filter(ImageFilter.GaussianBlur(0.6))
img.save(sys.argv[1], dpi=(DPI, DPI))
