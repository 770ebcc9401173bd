#!/usr/bin/env python3
"""Generates tests/fixtures/integrity/: a small signed CloudTrail trail (logs, digests,
a key file, head-object files) and tampered copies of it, one change each.

The key is a throwaway RSA key made on each run (never saved): the committed fixtures are
what the tests read; rerun this only to change them. Needs python3 and `cryptography`.

Digests are built and signed as AWS documents ("CloudTrail digest file structure",
"Custom implementations of CloudTrail log file integrity validation"): SHA256withRSA over
  digestEndTime \\n bucket/object \\n hex(sha256(digest bytes)) \\n previousDigestSignature|null
with hashes of the uncompressed bytes.

Usage: python3 scripts/integrity-fixtures.py [OUT_DIR]
       python3 scripts/integrity-fixtures.py --sign TRAIL_DIR
The second form adds hourly digest chains (per account and region), a key file and the
newest digests' head-object files to a trail made by `cargo run --example generate`
(for examples/integrity.rs and BENCHMARKS.md).
"""
import base64, copy, gzip, hashlib, io, json, os, shutil, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

OUT = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "--sign" else os.path.join(
    os.path.dirname(__file__), "..", "tests", "fixtures", "integrity")
ORG, ACCOUNT, TRAIL, BUCKET, HOME = "o-exampleorg1", "111122223333", "org-trail", "trail-bucket", "us-east-1"
DAY = "2026/01/01"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pkcs1(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def spki(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


FINGERPRINT = hashlib.md5(pkcs1(KEY)).hexdigest()


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def record(region, hour, minute, n, name="DescribeInstances"):
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:alice",
                         "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice", "accountId": ACCOUNT},
        "eventTime": f"2026-01-01T{hour:02d}:{minute:02d}:{n:02d}Z",
        "eventSource": "ec2.amazonaws.com", "eventName": name, "awsRegion": region,
        "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.0",
        "requestParameters": None, "responseElements": None,
        "eventID": f"{region}-{hour:02d}{minute:02d}-{n}-0000-000000000000",
        "readOnly": True, "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT,
    }


def log_key(region, hour, minute, unique):
    return (f"AWSLogs/{ORG}/{ACCOUNT}/CloudTrail/{region}/{DAY}/"
            f"{ACCOUNT}_CloudTrail_{region}_20260101T{hour:02d}{minute:02d}Z_{unique}.json.gz")


def log_file(region, hour, minute, unique, records=2):
    text = json.dumps({"Records": [record(region, hour, minute, n) for n in range(records)]}).encode()
    return log_key(region, hour, minute, unique), text


def digest_key(hour, backfill=False, account=ACCOUNT):
    suffix = "_backfill" if backfill else ""
    return (f"AWSLogs/{ORG}/{account}/CloudTrail-Digest/{HOME}/{DAY}/"
            f"{account}_CloudTrail-Digest_{HOME}_{TRAIL}_{HOME}_20260101T{hour:02d}0000Z{suffix}.json.gz")


def iso(hour):
    return f"2026-01-01T{hour:02d}:00:00Z"


class Trail:
    """The files of one tree: path from AWSLogs/ (or a top-level name) -> bytes."""

    def __init__(self):
        self.files = {}

    def write(self, root):
        for path, data in self.files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)


def build(tamper=None):
    """The trail; `tamper` changes the plan before anything is signed."""
    t = tamper or {}
    trail = Trail()
    # us-east-1: logs in hours 0, 1, 2, 4, 5; hour 3 has none (its digest is empty).
    east = {0: [(5, "AAAA"), (35, "AAAB")], 1: [(10, "BBBB")], 2: [(15, "CCCC")],
            3: [], 4: [(20, "DDDD")], 5: [(25, "EEEE")]}
    logs = {}  # hour -> [(key, uncompressed)]
    for hour, files in east.items():
        logs[hour] = [log_file(HOME, hour, m, u) for m, u in files]
    for hour, files in logs.items():
        for key, text in files:
            trail.files[key] = gz(text)
    # A log delivered late, listed by a backfill digest.
    late_key, late_text = log_file(HOME, 2, 50, "LATE")
    trail.files[late_key] = gz(late_text)
    # us-west-2: logs in hours 0, 1 and 4, no digests: not vouched, and hours 2-3 a gap.
    for hour, m, u in [(0, 7, "WWW0"), (1, 7, "WWW1"), (4, 7, "WWW4")]:
        key, text = log_file("us-west-2", hour, m, u)
        trail.files[key] = gz(text)

    # Digests, oldest first, each carrying the previous one's signature.
    prev = None  # (bucket, object, hash hex, signature hex)
    signatures = {}
    for hour in range(6):
        if hour in t.get("restart_at", ()):
            # The chain's last digest before the stop is its newest: only S3 metadata
            # (a saved head-object) has its signature.
            head(trail, prev[1], prev[3])
            prev = None
        key = digest_key(hour)
        body = {
            "awsAccountId": ACCOUNT,
            "digestStartTime": iso(hour), "digestEndTime": iso(hour + 1),
            "digestS3Bucket": BUCKET, "digestS3Object": key,
            "digestPublicKeyFingerprint": FINGERPRINT, "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": None, "oldestEventTime": None,
            "previousDigestS3Bucket": prev and BUCKET, "previousDigestS3Object": prev and prev[1],
            "previousDigestHashValue": prev and prev[2],
            "previousDigestHashAlgorithm": prev and "SHA-256",
            "previousDigestSignature": prev and prev[3],
            "logFiles": [{"s3Bucket": BUCKET, "s3Object": k,
                          "hashValue": hashlib.sha256(text).hexdigest(), "hashAlgorithm": "SHA-256",
                          "newestEventTime": None, "oldestEventTime": None}
                         for k, text in logs[hour]],
        }
        if hour in t.get("wrong_previous_hash", ()):
            body["previousDigestHashValue"] = "0" * 64
        if hour in t.get("moved", ()):
            body["digestS3Bucket"] = "another-bucket"
            body["digestS3Object"] = digest_key(hour, account="999988887777")
        data = json.dumps(body).encode()
        sig = sign(body, data)
        trail.files[key] = gz(data)
        signatures[key] = sig
        prev = (BUCKET, body["digestS3Object"], hashlib.sha256(data).hexdigest(), sig)
    newest = digest_key(5)
    head(trail, newest, signatures[newest])
    # The backfill digest: its own signature, from its head-object file.
    bkey = digest_key(3, backfill=True)
    body = {
        "awsAccountId": ACCOUNT, "digestStartTime": iso(2), "digestEndTime": iso(3),
        "digestS3Bucket": BUCKET, "digestS3Object": bkey,
        "digestPublicKeyFingerprint": FINGERPRINT, "digestSignatureAlgorithm": "SHA256withRSA",
        "previousDigestS3Bucket": None, "previousDigestS3Object": None,
        "previousDigestHashValue": None, "previousDigestHashAlgorithm": None,
        "previousDigestSignature": None,
        "logFiles": [{"s3Bucket": BUCKET, "s3Object": late_key,
                      "hashValue": hashlib.sha256(late_text).hexdigest(), "hashAlgorithm": "SHA-256"}],
    }
    data = json.dumps(body).encode()
    trail.files[bkey] = gz(data)
    head(trail, bkey, sign(body, data))
    trail.files["public-keys-us-east-1.json"] = key_file(KEY)
    return trail, logs


def sign(body, data):
    text = "\n".join([body["digestEndTime"], f'{body["digestS3Bucket"]}/{body["digestS3Object"]}',
                      hashlib.sha256(data).hexdigest(), body["previousDigestSignature"] or "null"])
    return KEY.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256()).hex()


def head(trail, key, sig):
    name = key.rsplit("/", 1)[1]
    trail.files[name + ".head-object.json"] = json.dumps({
        "AcceptRanges": "bytes", "LastModified": "2026-01-01T06:00:31+00:00", "ContentLength": 600,
        "ETag": "\"0123456789abcdef0123456789abcdef\"", "ContentType": "application/json",
        "ContentEncoding": "gzip", "ServerSideEncryption": "AES256",
        "Metadata": {"signature": sig, "signature-algorithm": "SHA256withRSA"},
    }, indent=4).encode()


def key_file(key, fingerprint=None, camel=False, der=pkcs1):
    entry = {"Value": base64.b64encode(der(key)).decode(),
             "ValidityStartTime": 1767139200, "ValidityEndTime": 1769817600,
             "Fingerprint": fingerprint or hashlib.md5(der(key)).hexdigest()}
    if camel:
        entry = {"value": entry["Value"], "validityStartTime": "2025-12-31T00:00:00Z",
                 "validityEndTime": "1769817600", "fingerprint": entry["Fingerprint"]}
        return json.dumps({"publicKeyList": [entry]}, indent=2).encode()
    return json.dumps({"PublicKeyList": [entry]}, indent=4).encode()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    cases = {}
    base, logs = build()
    cases["trail"] = base
    # One change each.
    c = copy.deepcopy(base)
    k, text = logs[1][0]
    c.files[k] = gz(text.replace(b"DescribeInstances", b"TerminateInstances", 1))
    cases["edited-log"] = c
    c = copy.deepcopy(base)
    del c.files[logs[2][0][0]]
    cases["missing-log"] = c
    c = copy.deepcopy(base)
    k, text = logs[4][0]
    extra = json.dumps({"Records": [record(HOME, 4, 59, 9, "StopLogging")]}).encode()
    c.files[k] = gz(text) + gz(extra)
    cases["appended-member"] = c
    c = copy.deepcopy(base)
    k = digest_key(2)
    body = json.loads(gzip.decompress(c.files[k]))
    body["logFiles"] = []
    c.files[k] = gz(json.dumps(body).encode())
    cases["edited-digest"] = c
    c, _ = build({"wrong_previous_hash": (3,)})
    cases["broken-chain"], c = c, None
    c, _ = build({"moved": (1,)})
    # Found where the real hour-1 digest belongs.
    moved = c.files.pop(digest_key(1, account="999988887777"), None) or c.files[digest_key(1)]
    c.files[digest_key(1)] = moved
    cases["moved-digest"] = c
    c = copy.deepcopy(base)
    c.files["public-keys-us-east-1.json"] = key_file(OTHER_KEY, fingerprint=FINGERPRINT)
    cases["wrong-key"] = c
    c = copy.deepcopy(base)
    c.files["public-keys-us-east-1.json"] = key_file(KEY, camel=True, der=spki)
    cases["spki-key"] = c
    c = copy.deepcopy(base)
    del c.files[digest_key(5).rsplit("/", 1)[1] + ".head-object.json"]
    cases["no-head-object"] = c
    c = copy.deepcopy(base)
    del c.files[digest_key(2)]
    cases["missing-digest"] = c
    c, _ = build({"restart_at": (4,)})
    cases["restarted-chain"] = c
    for name, trail in cases.items():
        trail.write(os.path.join(OUT, name))
    print(f"wrote {len(cases)} trees to {OUT}; key fingerprint {FINGERPRINT}")


def sign_trail(root):
    """Hourly digests for every (account, region, hour) with log files, chained."""
    import re
    from collections import defaultdict
    pattern = re.compile(r"^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{2})(\d{2})Z_.*\.json\.gz$")
    groups = defaultdict(list)
    for d, _, names in os.walk(root):
        for name in names:
            m = pattern.match(name)
            if not m:
                continue
            path = os.path.join(d, name)
            rel = os.path.relpath(path, root)
            key = rel[rel.index("AWSLogs/"):]
            with open(path, "rb") as f:
                first = gzip.GzipFile(fileobj=f).read()
            groups[(m[1], m[2])].append((m[3], key, hashlib.sha256(first).hexdigest()))
    digests = 0
    for (account, region), files in sorted(groups.items()):
        hours = defaultdict(list)
        for hour, key, sha in files:
            hours[hour].append((key, sha))
        prev = None
        for hour in sorted(hours):
            y, mo, da, hh = hour[:4], hour[4:6], hour[6:8], hour[9:11]
            start = f"{y}-{mo}-{da}T{hh}:00:00Z"
            end_h = int(hh) + 1
            # Ends at the next hour (the day rolls over in the name only; fine for timing).
            end = f"{y}-{mo}-{da}T{end_h:02d}:00:00Z" if end_h < 24 else f"{y}-{mo}-{da}T23:59:59Z"
            dkey = (f"AWSLogs/{account}/CloudTrail-Digest/{region}/{y}/{mo}/{da}/"
                    f"{account}_CloudTrail-Digest_{region}_bench_{region}_{y}{mo}{da}T{hh}0000Z.json.gz")
            body = {
                "awsAccountId": account, "digestStartTime": start, "digestEndTime": end,
                "digestS3Bucket": BUCKET, "digestS3Object": dkey,
                "digestPublicKeyFingerprint": FINGERPRINT, "digestSignatureAlgorithm": "SHA256withRSA",
                "previousDigestS3Bucket": prev and BUCKET, "previousDigestS3Object": prev and prev[0],
                "previousDigestHashValue": prev and prev[1], "previousDigestHashAlgorithm": prev and "SHA-256",
                "previousDigestSignature": prev and prev[2],
                "logFiles": [{"s3Bucket": BUCKET, "s3Object": k, "hashValue": h, "hashAlgorithm": "SHA-256"}
                             for k, h in hours[hour]],
            }
            data = json.dumps(body).encode()
            sig = sign(body, data)
            out = os.path.join(root, dkey)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "wb") as f:
                f.write(gz(data))
            prev = (dkey, hashlib.sha256(data).hexdigest(), sig)
            digests += 1
        trail = Trail()
        head(trail, prev[0], prev[2])
        trail.write(root)
    with open(os.path.join(root, "public-keys.json"), "wb") as f:
        f.write(key_file(KEY))
    print(f"signed {digests} digests over {sum(len(v) for v in groups.values())} log files in {root}")


if len(sys.argv) > 2 and sys.argv[1] == "--sign":
    sign_trail(sys.argv[2])
else:
    main()
