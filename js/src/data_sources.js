// tf.data's sources beyond arrays and generators (issue 16): data.func, byte sources
// (FileDataSource, URLDataSource), TextLineDataset, CSVDataset and data.csv, as
// tfjs-data 4.22 has them (names, options, parsing and messages).
import {isNodeRuntime} from './core.js';
import {Dataset, LazyIterator, data} from './data.js';
import {nodeImport} from './io/node_get.js';
import {assert} from './util.js';

const DONE = Object.freeze({value: null, done: true});
const isNode = isNodeRuntime();
const isLocalPath = s => typeof s === 'string' && s.slice(0, 7) === 'file://';

function iteratorOf(serialNext) {
  const it = new LazyIterator();
  it.serialNext = serialNext;
  return it;
}

/**
 * tf.data.func(f): a dataset whose elements are f()'s results ({value, done}, or a
 * promise of one). As in tfjs, every iteration continues the same sequence of calls.
 */
export function func(f) {
  const iter = iteratorOf(async () => {
    const result = await f();
    return result.done ? DONE : {value: result.value, done: false};
  });
  return new Dataset(async () => iter);
}

// ---- byte sources ----------------------------------------------------------------------

/** Chunks of at most chunkSize bytes (tfjs's FileChunkIterator; default 1 MB). */
function chunkIterator(bytesPromise, chunkSize = 1024 * 1024) {
  let bytes = null, offset = 0;
  return iteratorOf(async () => {
    if (bytes == null) bytes = await bytesPromise();
    if (offset >= bytes.byteLength) return DONE;
    const end = Math.min(offset + chunkSize, bytes.byteLength);
    const chunk = bytes.subarray(offset, end);
    offset = end;
    return {value: chunk, done: false};
  });
}

async function bytesOf(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  if (isLocalPath(input)) {
    if (!isNode) throw new Error(`file:// paths can only be read in Node, got ${input}`);
    const fs = await nodeImport('node:fs/promises');
    return new Uint8Array(await fs.readFile(input.slice(7)));
  }
  throw new Error('FileChunkIterator only supports File, Blob and Uint8Array right now.');
}

/** tfjs's FileDataSource: a File, Blob or Uint8Array (or a file:// path in Node), read in chunks. */
export class FileDataSource {
  constructor(input, options = {}) {
    this.input = input;
    this.options = options;
  }

  async iterator() {
    return chunkIterator(() => bytesOf(this.input), this.options.chunkSize);
  }
}

/** tfjs's URLDataSource: what fetch(url, requestInit) returns (a file:// URL reads the file in Node). */
export class URLDataSource {
  constructor(url, fileOptions = {}) {
    this.url = url;
    this.fileOptions = fileOptions;
  }

  async iterator() {
    if (isLocalPath(this.url)) return new FileDataSource(this.url, this.fileOptions).iterator();
    const fetchFunc = this.fileOptions.fetchFunc || globalThis.fetch;
    return chunkIterator(async () => {
      const response = await fetchFunc(this.url, this.fileOptions.requestInit);
      if (!response.ok) throw new Error(`Request to ${this.url} failed with status code ${response.status}.`);
      return new Uint8Array(await response.arrayBuffer());
    }, this.fileOptions.chunkSize);
  }
}

// ---- text lines ------------------------------------------------------------------------

/** The lines of a source's UTF-8 text, without their '\n' (or '\r\n'). */
export class TextLineDataset extends Dataset {
  constructor(input) {
    super(async () => this.lineIterator());
    this.input = input;
  }

  async lineIterator() {
    const chunks = await this.input.iterator();
    const decoder = new TextDecoder('utf-8');
    let carry = '';
    const pending = [];
    let ended = false;
    return iteratorOf(async () => {
      while (pending.length === 0 && !ended) {
        const chunk = await chunks.next();
        let text;
        if (chunk.done) {
          ended = true;
          text = carry + decoder.decode();
          carry = '';
          if (text !== '') pending.push(...text.split('\n'));
        } else {
          text = carry + decoder.decode(chunk.value, {stream: true});
          const lines = text.split('\n');
          carry = lines.pop();
          pending.push(...lines);
        }
      }
      if (pending.length === 0) return DONE;
      let line = pending.shift();
      if (line.endsWith('\r')) line = line.slice(0, -1);
      return {value: line, done: false};
    });
  }
}

// ---- CSV ---------------------------------------------------------------------------------

const STATE_OUT = 0, STATE_FIELD = 1, STATE_QUOTE = 2, STATE_QUOTE_AFTER_QUOTE = 3, STATE_WITHIN_QUOTE_IN_QUOTE = 4;

/**
 * tfjs's CSVDataset: rows as {column: value} objects, or {xs, ys} when some column
 * is configured with isLabel. Numbers are parsed; columnConfigs set dtype, default,
 * required and isLabel.
 */
export class CSVDataset extends Dataset {
  constructor(input, csvConfig) {
    super(async () => this.rowIterator());
    this.input = input;
    this.hasHeader = true;
    this.fullColumnNames = null;
    this.columnNamesValidated = false;
    this.columnConfigs = null;
    this.configuredColumnsOnly = false;
    this.delimiter = ',';
    this.delimWhitespace = false;
    this.base = new TextLineDataset(input);
    if (!csvConfig) csvConfig = {};
    this.hasHeader = csvConfig.hasHeader !== false;
    this.fullColumnNames = csvConfig.columnNames;
    this.columnConfigs = csvConfig.columnConfigs;
    this.configuredColumnsOnly = csvConfig.configuredColumnsOnly;
    if (csvConfig.delimWhitespace) {
      assert(csvConfig.delimiter == null, () => 'Delimiter should not be provided when delimWhitespace is true.');
      this.delimWhitespace = true;
      this.delimiter = ' ';
    } else {
      this.delimiter = csvConfig.delimiter ? csvConfig.delimiter : ',';
    }
  }

  async columnNames() {
    if (!this.columnNamesValidated) await this.setColumnNames();
    return this.configuredColumnsOnly ? Object.keys(this.columnConfigs) : this.fullColumnNames;
  }

  async setColumnNames() {
    const columnNamesFromFile = await this.maybeReadHeaderLine();
    if (!this.fullColumnNames && !columnNamesFromFile) {
      throw new Error('Column names must be provided if there is no header line.');
    } else if (this.fullColumnNames && columnNamesFromFile) {
      assert(columnNamesFromFile.length === this.fullColumnNames.length,
             () => `The length of provided columnNames (${this.fullColumnNames.length}) does not match the length of ` +
                 `the header line read from file (${columnNamesFromFile.length}).`);
    }
    if (!this.fullColumnNames) this.fullColumnNames = columnNamesFromFile;
    const counts = this.fullColumnNames.reduce((acc, name) => {
      acc[name] = (acc[name] + 1) || 1;
      return acc;
    }, {});
    const duplicateNames = Object.keys(counts).filter(name => counts[name] > 1);
    assert(duplicateNames.length === 0, () => 'Duplicate column names found: ' + duplicateNames.toString());
    if (this.columnConfigs) {
      for (const key of Object.keys(this.columnConfigs)) {
        if (this.fullColumnNames.indexOf(key) === -1) {
          throw new Error(`The key "${key}" provided in columnConfigs does not match any of the column names ` +
                          `(${this.fullColumnNames.toString()}).`);
        }
      }
    }
    this.columnNamesValidated = true;
  }

  async maybeReadHeaderLine() {
    if (!this.hasHeader) return null;
    const iter = await this.base.iterator();
    const firstElement = await iter.next();
    if (firstElement.done) throw new Error('No data was found for CSV parsing.');
    return this.parseRow(firstElement.value, false);
  }

  async rowIterator() {
    if (!this.columnNamesValidated) await this.setColumnNames();
    const lines = await this.base.iterator();
    let skipped = !this.hasHeader;
    return iteratorOf(async () => {
      if (!skipped) {
        skipped = true;
        const header = await lines.next();
        if (header.done) return DONE;
      }
      const line = await lines.next();
      return line.done ? DONE : {value: this.makeDataElement(line.value), done: false};
    });
  }

  makeDataElement(line) {
    const values = this.parseRow(line);
    const features = {}, labels = {};
    for (let i = 0; i < this.fullColumnNames.length; i++) {
      const key = this.fullColumnNames[i];
      const config = this.columnConfigs ? this.columnConfigs[key] : null;
      if (this.configuredColumnsOnly && !config) continue;
      const value = values[i];
      let parsedValue = null;
      if (value === '') {
        if (config && config.default !== undefined) {
          parsedValue = config.default;
        } else if (config && (config.required || config.isLabel)) {
          throw new Error(`Required column ${key} is empty in this line: ${line}`);
        } else {
          parsedValue = undefined;
        }
      } else {
        const valueAsNum = Number(value);
        if (isNaN(valueAsNum)) {
          parsedValue = config && config.dtype === 'bool' ? this.getBoolean(value) : value;
        } else if (!config || !config.dtype) {
          parsedValue = valueAsNum;
        } else if (config.dtype === 'int32') {
          parsedValue = Math.floor(valueAsNum);
        } else if (config.dtype === 'bool') {
          parsedValue = this.getBoolean(value);
        } else {
          parsedValue = valueAsNum;
        }
      }
      if (config && config.isLabel) labels[key] = parsedValue;
      else features[key] = parsedValue;
    }
    return Object.keys(labels).length === 0 ? features : {xs: features, ys: labels};
  }

  getBoolean(value) {
    return value === '1' || value.toLowerCase() === 'true' ? 1 : 0;
  }

  parseRow(line, validateElementCount = true) {
    const result = [];
    let readOffset = 0;
    const readLength = line.length;
    let state = STATE_OUT;
    for (let i = 0; i < readLength; i++) {
      const c = line.charAt(i);
      switch (state) {
        case STATE_OUT:
          if (c === '"') {
            readOffset = i + 1;
            state = STATE_QUOTE;
          } else if (c === this.delimiter) {
            readOffset = i + 1;
            if (this.delimiter === ' ' && this.delimWhitespace) break;
            result.push('');
            state = STATE_OUT;
          } else {
            state = STATE_FIELD;
            readOffset = i;
          }
          break;
        case STATE_FIELD:
          if (c === this.delimiter) {
            result.push(line.substring(readOffset, i));
            state = STATE_OUT;
            readOffset = i + 1;
          }
          break;
        case STATE_QUOTE:
          if (c === '"') state = STATE_QUOTE_AFTER_QUOTE;
          break;
        case STATE_QUOTE_AFTER_QUOTE:
          if (c === this.delimiter) {
            result.push(line.substring(readOffset, i - 1));
            state = STATE_OUT;
            readOffset = i + 1;
          } else if (c === '"') {
            state = STATE_QUOTE;
          } else {
            state = STATE_WITHIN_QUOTE_IN_QUOTE;
          }
          break;
        case STATE_WITHIN_QUOTE_IN_QUOTE:
          if (c === '"') state = STATE_QUOTE;
          break;
        default:
      }
    }
    if (state === STATE_QUOTE_AFTER_QUOTE) result.push(line.substring(readOffset, readLength - 1));
    else result.push(line.substring(readOffset));
    if (validateElementCount && result.length !== this.fullColumnNames.length) {
      throw new Error(`Invalid row in csv file. Should have ${this.fullColumnNames.length} elements in a row, but ` +
                      `got ${result}`);
    }
    return result;
  }
}

/** tf.data.csv(url, csvConfig): a CSVDataset over URLDataSource(url). */
export function csv(source, csvConfig = {}) {
  return new CSVDataset(new URLDataSource(source), csvConfig);
}

Object.assign(data, {func, csv, CSVDataset, TextLineDataset, FileDataSource, URLDataSource, version_data: '4.22.0'});
// tfjs's tf.data also exposes its own module object as `default` (an ES-module interop artefact).
data.default = data;
