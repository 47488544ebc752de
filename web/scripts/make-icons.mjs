// Draw Tetra's app icons (a "T" on a rounded square) as SVG and PNG, without any image library:
// `node scripts/make-icons.mjs` rewrites public/icons/. The PNGs are 4x4 supersampled for smooth edges.
import { mkdirSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const OUT = new URL('../public/icons/', import.meta.url)
const BACKGROUND = [15, 23, 42] // slate-900
const LETTER = [56, 189, 248] // sky-400

// Shapes on a 100x100 canvas; `inset` shrinks the letter for maskable icons' safe zone.
function letterBars(inset) {
  const scale = (v) => 50 + (v - 50) * inset
  return [
    { x0: scale(24), y0: scale(24), x1: scale(76), y1: scale(38) }, // the bar of the T
    { x0: scale(43), y0: scale(24), x1: scale(57), y1: scale(78) }, // its stem
  ]
}

function svg(radius, inset) {
  const bars = letterBars(inset)
    .map((b) => `<rect x="${b.x0}" y="${b.y0}" width="${b.x1 - b.x0}" height="${b.y1 - b.y0}" rx="2"/>`)
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="${radius}" fill="rgb(${BACKGROUND})"/><g fill="rgb(${LETTER})">${bars}</g></svg>\n`
}

function insideRoundedSquare(x, y, radius) {
  const cx = Math.min(Math.max(x, radius), 100 - radius)
  const cy = Math.min(Math.max(y, radius), 100 - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
}

function colourAt(x, y, radius, bars) {
  if (!insideRoundedSquare(x, y, radius)) return null
  return bars.some((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1) ? LETTER : BACKGROUND
}

function pixel(px, py, size, radius, bars) {
  const sum = [0, 0, 0, 0]
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++) {
      const colour = colourAt(((px + (sx + 0.5) / 4) * 100) / size, ((py + (sy + 0.5) / 4) * 100) / size, radius, bars)
      if (colour) colour.forEach((c, i) => (sum[i] += c)), (sum[3] += 255)
    }
  const covered = sum[3] / 255
  return covered ? [sum[0] / covered, sum[1] / covered, sum[2] / covered, sum[3] / 16].map(Math.round) : [0, 0, 0, 0]
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buffer) {
  let c = 0xffffffff
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function png(size, radius, inset) {
  const bars = letterBars(inset)
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) rows.set(pixel(x, y, size, radius, bars), y * (size * 4 + 1) + 1 + x * 4)
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

mkdirSync(OUT, { recursive: true })
writeFileSync(new URL('icon.svg', OUT), svg(22, 1))
writeFileSync(new URL('icon-192.png', OUT), png(192, 22, 1))
writeFileSync(new URL('icon-512.png', OUT), png(512, 22, 1))
writeFileSync(new URL('icon-maskable-512.png', OUT), png(512, 0, 0.75))
writeFileSync(new URL('apple-touch-icon.png', OUT), png(180, 0, 0.9))
