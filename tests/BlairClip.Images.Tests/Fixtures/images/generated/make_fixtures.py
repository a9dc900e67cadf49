#!/usr/bin/python3
"""Generates the small decode/resample fixtures beside this script with Debian 12's python3-pil (Pillow 9.4.0,
libjpeg-turbo 2.1.5, libwebp 1.2.4) -- the Pillow version that produced shared/assets/hf-fixtures.
Run: /usr/bin/python3 make_fixtures.py   (deterministic: fixed seed, fixed encoder settings)
Every image X gets X.rgb = Pillow's Image.open(X).convert("RGB") as raw HWC uint8, and manifest.json
records its size. Resize cases: resize_<name>.src.rgb (random noise) and resize_<name>.out.rgb =
Image.resize((w, h), Image.BICUBIC, reducing_gap=None)."""
import json, random
from PIL import Image, features

random.seed(20261121)
manifest = {"pillow": Image.__version__, "libjpeg_api": features.version("jpg"),
            "libwebp": features.version("webp"), "images": [], "resize": []}

def card(w, h, mode="RGB"):
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = ((x * 255) // max(w - 1, 1), (y * 255) // max(h - 1, 1),
                        ((x + y) * 37 + random.randrange(40)) % 256)
    return im.convert(mode)

def noise(w, h, mode="RGB"):
    return Image.frombytes(mode, (w, h), bytes(random.randrange(256) for _ in range(w * h * len(mode))))

def save(im, name, **kw):
    im.save(name, **kw)
    back = Image.open(name)
    mode = back.mode
    rgb = back.convert("RGB")
    open(name + ".rgb", "wb").write(rgb.tobytes())
    manifest["images"].append({"file": name, "mode": mode, "width": rgb.width, "height": rgb.height})

save(card(37, 23), "rgb_420_q90.jpg", quality=90)                        # 4:2:0 chroma, odd size
save(card(19, 11), "rgb_444_q95.jpg", quality=95, subsampling=0)
save(card(21, 13, "L"), "gray.jpg", quality=90)
save(card(17, 9, "CMYK"), "cmyk.jpg", quality=95)                      # Adobe APP14, inverted like Photoshop
save(card(15, 10), "lossless.webp", lossless=True)
save(card(33, 17), "lossy.webp", quality=80)
rgba = card(12, 7).convert("RGBA"); rgba.putalpha(noise(12, 7, "L"))
save(rgba, "alpha_lossless.webp", lossless=True)
save(rgba, "rgba.png")
save(card(9, 6, "P"), "palette.png")
la = card(8, 5, "L").convert("LA"); la.putalpha(noise(8, 5, "L")); save(la, "gray_alpha.png")

for name, (sw, sh), (dw, dh) in [("down_both", (61, 43), (23, 17)), ("up_both", (13, 9), (40, 29)),
                                 ("mixed", (50, 12), (19, 35)), ("width_only", (45, 20), (224, 20)),
                                 ("strong_down", (300, 8), (7, 8)), ("height_only", (20, 45), (20, 224))]:
    src = noise(sw, sh)
    open(f"resize_{name}.src.rgb", "wb").write(src.tobytes())
    open(f"resize_{name}.out.rgb", "wb").write(src.resize((dw, dh), Image.BICUBIC, reducing_gap=None).tobytes())
    manifest["resize"].append({"name": name, "src": [sw, sh], "dst": [dw, dh]})

json.dump(manifest, open("manifest.json", "w"), indent=1)
