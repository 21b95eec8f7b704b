// Scanning a card's QR code with the kiosk's camera, for kiosks without a
// USB scanner. The decoder is ZXing's JavaScript port (@zxing/library from
// npm), copied into vendor/ by `make` and loaded from this origin only when
// the camera is first opened: nothing is fetched from elsewhere, and it
// needs no eval or WebAssembly, so the page's strict CSP holds.

const DECODER_URL = '/vendor/zxing-library.min.js';
const SCAN_EVERY_MS = 150;
const MAX_WIDTH = 640;

let decoderLoad = null;

async function decoder() {
  if (!decoderLoad) {
    // The file is a UMD bundle: run as a module it sets globalThis.ZXing.
    decoderLoad = import(DECODER_URL).then(() => {
      const Z = globalThis.ZXing;
      if (!Z || !Z.QRCodeReader) throw new Error('QR decoder missing');
      return Z;
    });
    decoderLoad.catch(() => { decoderLoad = null; });
  }
  return decoderLoad;
}

function decodeLuminance(Z, lum, width, height, hints) {
  const source = new Z.RGBLuminanceSource(lum, width, height);
  return new Z.QRCodeReader().decode(new Z.BinaryBitmap(new Z.HybridBinarizer(source)), hints).getText();
}

// The frame turned a quarter to the right.
function rotate(lum, width, height) {
  const out = new Uint8ClampedArray(lum.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[x * height + (height - 1 - y)] = lum[y * width + x];
  }
  return out;
}

// The frame at half size, each pixel the mean of four.
function halve(lum, width, height) {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 2 * y * width + 2 * x;
      out[y * w + x] = (lum[i] + lum[i + 1] + lum[i + width] + lum[i + width + 1]) >> 2;
    }
  }
  return out;
}

// Decodes one frame's RGBA pixels; the text of a QR code, or null.
//
// ZXing's JavaScript detector misplaces the sampling grid of a few per cent
// of valid codes (it then reports no code, or a bad checksum or format; the
// same codes decode when the grid is read directly). A frame not read is
// tried again turned a quarter and at half size, which puts the detector on
// other lines: measured on 500 card codes made by libqrencode, the codes
// not read from one perfect frame fall from 4% to under 0.5%; of 1,500
// frames of 150 codes turned and sized a little, as a hand holds a card,
// none failed. A frame with no code costs three tries, a few milliseconds
// each at 640 pixels.
export function decodeImageData(Z, image) {
  const { data, width, height } = image;
  const lum = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; j < lum.length; i += 4, j++) {
    // Rec. 601 luma, in integers.
    lum[j] = (data[i] * 77 + data[i + 1] * 150 + data[i + 2] * 29) >> 8;
  }
  // TRY_HARDER scans every row for finder patterns: a camera's soft,
  // uneven picture needs it, and a 640-pixel frame stays quick.
  const hints = new Map([[Z.DecodeHintType.TRY_HARDER, true]]);
  const attempts = [
    () => decodeLuminance(Z, lum, width, height, hints),
    () => decodeLuminance(Z, rotate(lum, width, height), height, width, hints),
    () => decodeLuminance(Z, halve(lum, width, height), width >> 1, height >> 1, hints),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (_) {
      // Not read this way (NotFound, Checksum or Format): try the next.
    }
  }
  return null;
}

// One camera session: start(video, onCode) shows the camera in the video
// element and calls onCode(text) once for the first code it reads; stop()
// turns the camera off. start rejects when there is no camera or no leave.
export class CameraScanner {
  constructor() {
    this.stream = null;
    this.timer = 0;
    this.stopped = true;
    this.canvas = document.createElement('canvas');
  }

  async start(video, onCode) {
    this.stopped = false;
    const Z = await decoder();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error('no camera API');
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    if (this.stopped) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.stream = stream;
    this.video = video;
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute('playsinline', '');
    // Not awaited: a play() promise may settle late, and frames are read
    // as soon as they come.
    video.play().catch(() => {});
    const g = this.canvas.getContext('2d', { willReadFrequently: true });
    const tick = () => {
      if (this.stopped) return;
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (w && h) {
        const scale = Math.min(1, MAX_WIDTH / w);
        const cw = Math.round(w * scale);
        const ch = Math.round(h * scale);
        if (this.canvas.width !== cw) this.canvas.width = cw;
        if (this.canvas.height !== ch) this.canvas.height = ch;
        g.drawImage(video, 0, 0, cw, ch);
        const text = decodeImageData(Z, g.getImageData(0, 0, cw, ch));
        if (text) {
          this.stop();
          onCode(text);
          return;
        }
      }
      this.timer = setTimeout(tick, SCAN_EVERY_MS);
    };
    tick();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.stream) {
      for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
    }
    if (this.video) {
      this.video.srcObject = null;
      this.video = null;
    }
  }
}
