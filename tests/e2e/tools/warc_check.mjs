// warc_check.mjs FILE... - reads WARC files with warcio (webrecorder's
// independent reader, not redline's) and checks every record's digests
// itself.  Prints one line per record:
//   <type> <record-id> <target-uri> block=ok|BAD payload=ok|BAD|- len=<decoded payload length>
// and exits 1 if any digest is wrong or the file does not parse.
import { createRequire } from "module";
import { createHash } from "crypto";
import fs from "fs";

const require = createRequire(process.env.WARCIO_DIR + "/");
const { WARCParser } = require("warcio");

function base32(buf) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0, out = "";
  for (const b of buf) {
    value = (value << 8) | b; bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}
const digest = (bytes) => "sha256:" + base32(createHash("sha256").update(bytes).digest());

let bad = 0;
for (const file of process.argv.slice(2)) {
  // Raw blocks first (no HTTP parsing), then again with HTTP parsed.
  const raw = [];
  for await (const rec of new WARCParser(fs.createReadStream(file), { parseHttp: false }))
    raw.push({ headers: rec.warcHeaders, block: Buffer.from(await rec.readFully(false)) });
  let i = 0;
  for await (const rec of new WARCParser(fs.createReadStream(file))) {
    const r = raw[i++];
    const type = rec.warcType;
    const blockOk = r.headers.headers.get("WARC-Block-Digest") === digest(r.block);
    let payload = "-";
    let len = "-";
    if (type === "response" || type === "resource") {
      const body = Buffer.from(await rec.readFully(false));
      payload = rec.warcPayloadDigest === digest(body) ? "ok" : "BAD";
      if (type === "response") {
        // decoded as a browser would: warcio removes chunking and gzip itself
        const again = [];
        for await (const rr of new WARCParser(fs.createReadStream(file)))
          if (rr.warcHeaders.headers.get("WARC-Record-ID") === rec.warcHeaders.headers.get("WARC-Record-ID")) { again.push(await rr.readFully(true)); break; }
        len = again[0].length;
      } else {
        len = body.length;
      }
    }
    if (!blockOk || payload === "BAD") bad++;
    console.log(`${type} ${rec.warcHeaders.headers.get("WARC-Record-ID")} ${rec.warcTargetURI || "-"} block=${blockOk ? "ok" : "BAD"} payload=${payload} len=${len}`);
  }
  if (i === 0) { console.log(`${file}: no records`); bad++; }
}
process.exit(bad ? 1 : 0);
