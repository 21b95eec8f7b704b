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

// Decodes one frame's RGBA pixels; the text of a QR code, or null.
export function decodeImageData(Z, image) {
  const { data, width, height } = image;
  const lum = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; j < lum.length; i += 4, j++) {
    // Rec. 601 luma, in integers.
    lum[j] = (data[i] * 77 + data[i + 1] * 150 + data[i + 2] * 29) >> 8;
  }
  const source = new Z.RGBLuminanceSource(lum, width, height);
  const bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(source));
  try {
    return new Z.QRCodeReader().decode(bitmap).getText();
  } catch (_) {
    return null; // no code in this frame (NotFound, Checksum, Format)
  }
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
