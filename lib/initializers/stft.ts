/**
 * The STFT initializer (keras/src/initializers/constant_initializers.py `STFT`): the real or
 * imaginary DFT basis for Conv1D-style kernels of shape `(frame_length, channels, fft_bins)`,
 * optionally windowed and normalized.
 *
 * Keras unpacks the shape into exactly three names, so on a 4-D Conv2D kernel it fails with
 * Python's `too many values to unpack (expected 3)`; this port raises the same ValueError.
 */

import { invalidArgument, Messages, ValueError } from '../errors';
import { checkKwargs } from '../keras-object';
import { checkShape, Initializer } from './initializer';
import { checkWindowName, getWindow } from './windows';

/** Which part of e^(−2πi·t·f/n) the kernel holds. */
export type StftSide = 'real' | 'imag';

/** Window normalization: L2 (`density`) or L1 (`spectrum`); `null` for none. */
export type StftScaling = 'density' | 'spectrum' | null;

/** Config of {@link STFT}. */
export interface StftConfig {
  /** Default `'real'`. */
  side?: StftSide;
  /** A SciPy window name, explicit window values (length frame_length), or `null`. Default `'hann'`. */
  window?: string | readonly number[] | null;
  /** Default `'density'`. */
  scaling?: StftScaling;
  /** Periodic (`true`) or symmetric (`false`) named window. Default false. */
  periodic?: boolean;
}

/**
 * kernel[t, c, f] = cos(−2π·t·f/n) (`real`) or sin(…) (`imag`), n = 2·(fft_bins − 1), times
 * window[t] / scaling. Names: `STFT`, `stft`, `STFTInitializer`.
 */
export class STFT extends Initializer {
  readonly side: StftSide;
  readonly window: string | readonly number[] | null;
  readonly scaling: StftScaling;
  readonly periodic: boolean;

  constructor(config: StftConfig = {}) {
    super();
    checkKwargs('STFT', config, ['side', 'window', 'scaling', 'periodic']);
    const side = config.side ?? 'real';
    if (side !== 'real' && side !== 'imag') throw new ValueError(Messages.stftSide(side));
    const window = config.window === undefined ? 'hann' : config.window;
    if (typeof window === 'string') checkWindowName(window);
    else if (window !== null && !(Array.isArray(window) && window.every((v) => typeof v === 'number'))) {
      throw invalidArgument('STFT: window', 'a window name, an array of numbers or null', window);
    }
    const scaling = config.scaling === undefined ? 'density' : config.scaling;
    if (scaling !== null && scaling !== 'density' && scaling !== 'spectrum') {
      throw new ValueError(Messages.stftScaling(scaling));
    }
    this.side = side;
    this.window = Array.isArray(window) ? [...window] : window;
    this.scaling = scaling;
    this.periodic = config.periodic ?? false;
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    if (shape.length !== 3) throw new ValueError(Messages.unpack(3, shape.length));
    const [frameLength, channels, fftBins] = shape;
    let win: Float64Array | null = null;
    let scale = 1;
    if (this.window !== null) {
      win = typeof this.window === 'string' ? getWindow(this.window, frameLength, this.periodic) : Float64Array.from(this.window);
      if (win.length !== frameLength) throw new ValueError(Messages.stftWindowShape([win.length]));
      if (this.scaling === 'density') scale = Math.sqrt(win.reduce((s, w) => s + w * w, 0));
      else if (this.scaling === 'spectrum') scale = win.reduce((s, w) => s + Math.abs(w), 0);
    }
    const n = (fftBins - 1) * 2;
    const out = new Float32Array(frameLength * channels * fftBins);
    for (let t = 0; t < frameLength; t++) {
      const w = win ? win[t] / scale : 1;
      for (let f = 0; f < fftBins; f++) {
        const arg = -2 * t * (f / n) * Math.PI;
        const v = (this.side === 'real' ? Math.cos(arg) : Math.sin(arg)) * w;
        // Keras builds a (T, 1, F) basis; every input channel gets the same one.
        for (let c = 0; c < channels; c++) out[(t * channels + c) * fftBins + f] = v;
      }
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { side: this.side, window: this.window, periodic: this.periodic, scaling: this.scaling };
  }

  override get className(): string {
    return 'STFT';
  }
}
