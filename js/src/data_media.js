// tf.data.webcam and tf.data.microphone (issue 16): iterators over a browser media
// stream, as tfjs-data 4.22 has them (WebcamIterator, MicrophoneIterator: options,
// defaults, shapes and messages). Frames go through tf.browser.fromPixels and, when a
// resize is asked for, tf.image.cropAndResize; audio through a Web Audio AnalyserNode.
import {fromPixels} from './browser.js';
import {data, LazyIterator} from './data.js';
import {ENV} from './environment.js';
import {tidy} from './engine.js';
import {ops} from './ops.js';
import {tensor, tensor1d, tensor2d} from './tensor.js';
import {assert} from './util.js';

const DONE = Object.freeze({value: null, done: true});

/** A stream's iterator: next()/capture()/stop(); collecting an endless stream throws. */
class MediaIterator extends LazyIterator {
  async capture() {
    return (await this.next()).value;
  }
}

export class WebcamIterator extends MediaIterator {
  constructor(webcamVideoElement, webcamConfig) {
    super();
    this.webcamVideoElement = webcamVideoElement;
    this.webcamConfig = webcamConfig;
    this.isClosed = true;
    this.resize = false;
    const {resizeWidth, resizeHeight} = webcamConfig;
    if (resizeWidth && resizeHeight &&
        (webcamVideoElement.width !== resizeWidth || webcamVideoElement.height !== resizeHeight)) {
      this.resize = true;
      this.cropSize = [resizeHeight, resizeWidth];
      this.cropBoxInd = tensor1d([0], 'int32');
      if (webcamConfig.centerCrop) {
        // The box that keeps the middle of the frame at the output's aspect ratio.
        const w = resizeWidth * 1.0 / webcamVideoElement.width;
        const h = resizeHeight * 1.0 / webcamVideoElement.height;
        const x0 = (1 - w) / 2, y0 = (1 - h) / 2;
        this.cropBox = tensor2d([y0, x0, y0 + h, x0 + w], [1, 4]);
      } else {
        this.cropBox = tensor2d([0, 0, 1, 1], [1, 4]);
      }
    }
  }

  summary() {
    return 'webcam';
  }

  static async create(webcamVideoElement, webcamConfig = {}) {
    if (!ENV.get('IS_BROWSER')) throw new Error('tf.data.webcam is only supported in browser environment.');
    if (!webcamVideoElement) {
      // No element given: a hidden one of the requested size.
      webcamVideoElement = document.createElement('video');
      if (!webcamConfig.resizeWidth || !webcamConfig.resizeHeight) {
        throw new Error('Please provide webcam video element, or resizeWidth and ' +
                        'resizeHeight to create a hidden video element.');
      }
      webcamVideoElement.width = webcamConfig.resizeWidth;
      webcamVideoElement.height = webcamConfig.resizeHeight;
    }
    const it = new WebcamIterator(webcamVideoElement, webcamConfig);
    await it.start();
    return it;
  }

  async start() {
    const {facingMode, deviceId} = this.webcamConfig;
    if (facingMode) {
      assert(facingMode === 'user' || facingMode === 'environment',
             () => `Invalid webcam facing mode: ${facingMode}. Please provide 'user' or 'environment'`);
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: {deviceId, facingMode: facingMode || 'user', width: this.webcamVideoElement.width,
                height: this.webcamVideoElement.height},
      });
    } catch (e) {
      e.message = `Error thrown while initializing video stream: ${e.message}`;
      throw e;
    }
    if (!this.stream) throw new Error('Could not obtain video from webcam.');
    const video = this.webcamVideoElement;
    const loaded = new Promise(resolve => {
      video.onloadedmetadata = () => resolve();
    });
    video.srcObject = this.stream;
    video.play();
    this.isClosed = false;
    return loaded;
  }

  async serialNext() {
    if (this.isClosed) return DONE;
    let img;
    try {
      img = fromPixels(this.webcamVideoElement);
    } catch (e) {
      throw new Error(`Error thrown converting video to pixels: ${JSON.stringify(e)}`);
    }
    if (!this.resize) return {value: img, done: false};
    try {
      return {value: this.cropAndResizeFrame(img), done: false};
    } catch (e) {
      throw new Error(`Error thrown cropping the video: ${e.message}`);
    } finally {
      img.dispose();
    }
  }

  cropAndResizeFrame(img) {
    return tidy(() => {
      const batch = ops.expandDims(ops.cast(img, 'float32'), 0);
      const resized = ops.image.cropAndResize(batch, this.cropBox, this.cropBoxInd, this.cropSize, 'bilinear');
      return ops.reshape(resized, resized.shape.slice(1));
    });
  }

  stop() {
    this.stream.getTracks().forEach(track => track.stop());
    this.webcamVideoElement.srcObject = null;
    this.isClosed = true;
  }

  toArray() {
    throw new Error('Can not convert infinite video stream to array.');
  }
}

export class MicrophoneIterator extends MediaIterator {
  constructor(microphoneConfig) {
    super();
    this.microphoneConfig = microphoneConfig;
    this.isClosed = false;
    this.fftSize = microphoneConfig.fftSize || 1024;
    const log2 = Math.log2(this.fftSize);
    if (this.fftSize < 0 || log2 < 4 || log2 > 14 || !Number.isInteger(log2)) {
      throw new Error(`Invalid fftSize: it must be a power of 2 between 2 to 4 and 2 to 14, but got ${this.fftSize}`);
    }
    this.numFrames = microphoneConfig.numFramesPerSpectrogram || 43;
    this.sampleRateHz = microphoneConfig.sampleRateHz;
    this.columnTruncateLength = microphoneConfig.columnTruncateLength || this.fftSize;
    this.audioTrackConstraints = microphoneConfig.audioTrackConstraints;
    this.smoothingTimeConstant = microphoneConfig.smoothingTimeConstant || 0;
    this.includeSpectrogram = microphoneConfig.includeSpectrogram !== false;
    this.includeWaveform = microphoneConfig.includeWaveform === true;
    if (!this.includeSpectrogram && !this.includeWaveform) {
      throw new Error('Both includeSpectrogram and includeWaveform are false. ' +
                      'At least one type of data should be returned.');
    }
  }

  summary() {
    return 'microphone';
  }

  static async create(microphoneConfig = {}) {
    if (!ENV.get('IS_BROWSER')) throw new Error('microphone API is only supported in browser environment.');
    const it = new MicrophoneIterator(microphoneConfig);
    await it.start();
    return it;
  }

  async start() {
    try {
      this.stream = await navigator.mediaDevices.getUserMedia(
          {audio: this.audioTrackConstraints == null ? true : this.audioTrackConstraints, video: false});
    } catch (e) {
      throw new Error(`Error thrown while initializing video stream: ${e.message}`);
    }
    if (!this.stream) throw new Error('Could not obtain audio from microphone.');
    const Ctx = window.AudioContext || window.webkitAudioContext;
    this.audioContext = new Ctx();
    if (!this.sampleRateHz) {
      this.sampleRateHz = this.audioContext.sampleRate;
    } else if (this.audioContext.sampleRate !== this.sampleRateHz) {
      // Close what was opened: a failed create leaves no stream or context running.
      this.stream.getTracks().forEach(track => track.stop());
      this.audioContext.close();
      throw new Error(`Mismatch in sampling rate: Expected: ${this.sampleRateHz}; ` +
                      `Actual: ${this.audioContext.sampleRate}`);
    }
    const source = this.audioContext.createMediaStreamSource(this.stream);
    this.analyser = this.audioContext.createAnalyser();
    this.analyser.fftSize = this.fftSize * 2;  // fftSize frequency bins
    this.analyser.smoothingTimeConstant = this.smoothingTimeConstant;
    source.connect(this.analyser);
    this.freqData = new Float32Array(this.fftSize);
    this.timeData = new Float32Array(this.fftSize);
  }

  async serialNext() {
    if (this.isClosed) return DONE;
    const {freqDataQueue, timeDataQueue} = await this.getAudioData();
    let spectrogram, waveform;
    if (this.includeSpectrogram) {
      spectrogram = this.tensorFrom(flatten(freqDataQueue), [this.numFrames, this.columnTruncateLength, 1]);
    }
    if (this.includeWaveform) {
      waveform = this.tensorFrom(flatten(timeDataQueue), [this.numFrames * this.fftSize, 1]);
    }
    return {value: {spectrogram, waveform}, done: false};
  }

  // numFrames analyser reads, one per fftSize samples of audio.
  getAudioData() {
    const freqDataQueue = [], timeDataQueue = [];
    let frames = 0;
    return new Promise(resolve => {
      const id = setInterval(() => {
        if (this.includeSpectrogram) {
          this.analyser.getFloatFrequencyData(this.freqData);
          if (this.freqData[0] === -Infinity) {
            // The stream is still starting: what was read so far (tfjs returns it too).
            clearInterval(id);
            resolve({freqDataQueue, timeDataQueue});
            return;
          }
          freqDataQueue.push(this.freqData.slice(0, this.columnTruncateLength));
        }
        if (this.includeWaveform) {
          this.analyser.getFloatTimeDomainData(this.timeData);
          timeDataQueue.push(this.timeData.slice());
        }
        if (++frames === this.numFrames) {
          clearInterval(id);
          resolve({freqDataQueue, timeDataQueue});
        }
      }, this.fftSize / this.sampleRateHz * 1e3);
    });
  }

  // Zero-padded at the front when fewer frames arrived than the shape holds, as tfjs.
  tensorFrom(values, shape) {
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    out.set(values, out.length - values.length);
    return tensor(out, shape);
  }

  stop() {
    if (this.isClosed) return;
    this.isClosed = true;
    this.analyser.disconnect();
    this.audioContext.close();
    if (this.stream != null && this.stream.getTracks().length > 0) this.stream.getTracks()[0].stop();
  }

  toArray() {
    throw new Error('Can not convert infinite audio stream to array.');
  }

  getSampleRate() {
    return this.sampleRateHz;
  }
}

function flatten(queue) {
  if (queue.length === 0) return new Float32Array(0);
  const size = queue[0].length;
  const out = new Float32Array(queue.length * size);
  queue.forEach((d, i) => out.set(d, i * size));
  return out;
}

/** tf.data.webcam(videoElement?, config?): a WebcamIterator over the camera's frames. */
export async function webcam(webcamVideoElement, webcamConfig) {
  return WebcamIterator.create(webcamVideoElement, webcamConfig);
}

/** tf.data.microphone(config?): a MicrophoneIterator of spectrograms (and waveforms). */
export async function microphone(microphoneConfig) {
  return MicrophoneIterator.create(microphoneConfig);
}

Object.assign(data, {webcam, microphone});
