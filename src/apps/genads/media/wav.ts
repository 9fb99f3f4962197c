/**
 * A 32-bit float WAV file from planar channels: the synthesiser's output is handed to FFmpeg
 * without quantising it first (the MP3 encoder does its own).
 */
export function encodeWavFloat(channels: Float32Array[], sampleRate: number): Buffer {
  const frames = channels[0].length;
  const channelCount = channels.length;
  const dataBytes = frames * channelCount * 4;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(3, 20); // WAVE_FORMAT_IEEE_FLOAT
  header.writeUInt16LE(channelCount, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channelCount * 4, 28);
  header.writeUInt16LE(channelCount * 4, 32);
  header.writeUInt16LE(32, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  const interleaved = new Float32Array(frames * channelCount);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) interleaved[i * channelCount + c] = channels[c][i];
  }
  return Buffer.concat([header, Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength)]);
}
