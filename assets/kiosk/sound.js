// Short cues made with the Web Audio API, so there are no sound files to
// ship: a rising chime for a sign-in, one soft note for "already", a gentle
// falling pair for "ask a worker", a low note for "no session". None is a
// buzzer: a wrong card is not an alarm.
//
// Browsers start audio only after a user gesture; a scanner's keystrokes
// count as one, and so does a tap, so the context is made on the first.

let ctx = null;

function context() {
  if (!ctx) {
    const Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return null;
    try {
      ctx = new Ctor();
    } catch (_) {
      return null;
    }
  }
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  return ctx;
}

// Called on the first tap or key, so that later cues can play at once.
export function unlock() {
  context();
}

// notes: [[frequency Hz, start s, length s], ...]
function tones(notes, type = 'sine', volume = 0.18) {
  const ac = context();
  if (!ac) return;
  const now = ac.currentTime + 0.01;
  for (const [freq, start, length] of notes) {
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    const t0 = now + start;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(volume, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + length);
    osc.connect(gain).connect(ac.destination);
    osc.start(t0);
    osc.stop(t0 + length + 0.05);
  }
}

const CUES = {
  // C6 E6 G6: bright and quick.
  welcome: () => tones([[1046.5, 0, 0.18], [1318.5, 0.1, 0.18], [1568, 0.2, 0.35]]),
  // One soft G5.
  already: () => tones([[784, 0, 0.4]], 'sine', 0.14),
  // E5 then C5, triangle: noticeable, not harsh.
  attention: () => tones([[659.3, 0, 0.25], [523.3, 0.22, 0.4]], 'triangle', 0.16),
  // A4 alone, short.
  none: () => tones([[440, 0, 0.35]], 'triangle', 0.12),
  // A small high blip for a phone sign-in announced on screen.
  phone: () => tones([[1318.5, 0, 0.12], [1760, 0.09, 0.2]], 'sine', 0.1),
  // A key of the PIN pad.
  key: () => tones([[1200, 0, 0.05]], 'sine', 0.05),
};

export function play(name) {
  const cue = CUES[name];
  if (!cue) return;
  try {
    cue();
  } catch (_) { /* sound is a nicety */ }
}
