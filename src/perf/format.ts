// Number formatting as Java's String.format prints it, so the perf tools'
// lines are character for character what Kafka's tools print: %.Nf rounds the
// shortest decimal form of the double half-up (Java), not its binary value
// (JavaScript's toFixed), and NaN / Infinity print as Java spells them.

/** Java's String.format("%.{digits}f", v). */
export function javaFixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return 'Infinity'
  if (v === -Infinity) return '-Infinity'
  const negative = v < 0 || Object.is(v, -0)
  const {digits: ds, pointAt} = decimalDigits(Math.abs(v))
  // ds is the shortest digit string, the decimal point sits after pointAt digits.
  const keep = pointAt + digits
  let intDigits: bigint
  if (keep < 0) intDigits = 0n
  else if (keep >= ds.length) intDigits = BigInt(ds + '0'.repeat(keep - ds.length) || '0')
  else {
    intDigits = BigInt(ds.slice(0, keep) || '0')
    if (ds.charCodeAt(keep) >= 53 /* '5' */) intDigits += 1n
  }
  let text = intDigits.toString().padStart(digits + 1, '0')
  if (digits > 0) text = `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`
  const zero = /^[0.]*$/.test(text)
  return negative && !zero ? `-${text}` : text
}

function decimalDigits(v: number): {digits: string; pointAt: number} {
  if (v === 0) return {digits: '0', pointAt: 1}
  const [mantissa, expText] = v.toExponential().split('e') as [string, string]
  const digits = mantissa.replace('.', '')
  return {digits, pointAt: Number(expText) + 1}
}

/** Java's %d for a number that is integral (truncating like a (long) cast). */
export function javaInt(v: number): string {
  return String(Math.trunc(v))
}

/** Formats a millisecond time with a java.text.SimpleDateFormat pattern (the letters the perf tools use). */
export function simpleDateFormat(ms: number, pattern: string): string {
  const d = new Date(ms)
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  let out = ''
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]!
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1)
      if (end === i + 1) {
        out += "'"
        i += 2
        continue
      }
      out += pattern.slice(i + 1, end < 0 ? pattern.length : end)
      i = end < 0 ? pattern.length : end + 1
      continue
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c
      i++
      continue
    }
    let n = 1
    while (pattern[i + n] === c) n++
    i += n
    switch (c) {
      case 'y':
        out += n === 2 ? pad(d.getFullYear() % 100, 2) : pad(d.getFullYear(), n)
        break
      case 'M':
        out += n >= 4 ? MONTHS[d.getMonth()]! : n === 3 ? MONTHS[d.getMonth()]!.slice(0, 3) : pad(d.getMonth() + 1, n)
        break
      case 'd':
        out += pad(d.getDate(), n)
        break
      case 'H':
        out += pad(d.getHours(), n)
        break
      case 'h':
        out += pad(d.getHours() % 12 || 12, n)
        break
      case 'm':
        out += pad(d.getMinutes(), n)
        break
      case 's':
        out += pad(d.getSeconds(), n)
        break
      case 'S':
        out += pad(d.getMilliseconds(), n)
        break
      case 'E':
        out += n >= 4 ? DAYS[d.getDay()]! : DAYS[d.getDay()]!.slice(0, 3)
        break
      case 'a':
        out += d.getHours() < 12 ? 'AM' : 'PM'
        break
      case 'Z': {
        const off = -d.getTimezoneOffset()
        out += `${off >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60), 2)}${pad(Math.abs(off) % 60, 2)}`
        break
      }
      default:
        throw new Error(`Illegal pattern character '${c}'`)
    }
  }
  return out
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
