#!/usr/bin/env python3
"""Builds a large synthetic git history for benchmarks, with `git fast-import`.

Usage: make-history.py REPO_DIR COMMITS SOURCE_DIR

Each commit rewrites one or two files taken round-robin from SOURCE_DIR (real source text,
e.g. ~/.cargo/registry/src) with a revision line appended, so every commit adds new blobs;
every 500th commit starts a side branch with one commit, and a handful of synthetic Salesforce
leaks are planted (and some removed again) so the scan has something to find.
"""
import os
import subprocess
import sys

SECRET = "SF_CLIENT_SECRET=EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248\n"
EXTS = (".rs", ".c", ".h", ".md", ".toml", ".py", ".js", ".json", ".yml", ".txt")


def corpus(root, limit=4000):
    files = []
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            if n.endswith(EXTS):
                p = os.path.join(dirpath, n)
                try:
                    size = os.path.getsize(p)
                except OSError:
                    continue
                if 0 < size < 200_000:
                    files.append(p)
        if len(files) >= limit:
            break
    return files


def main():
    repo, commits, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    files = corpus(src)
    contents = [open(p, "rb").read() for p in files]
    paths = [f"src/{i % 97}/{os.path.basename(p)}" for i, p in enumerate(files)]
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    fi = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    out = fi.stdin
    t0 = 1_600_000_000

    def blob(mark, data):
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")

    mark = 1
    for c in range(commits):
        touched = [c % len(files), (c * 7 + 3) % len(files)][: 1 + (c % 2)]
        ops = []
        for i in touched:
            data = contents[i] + b"\n// rev %d\n" % c
            blob(mark, data)
            ops.append(b"M 100644 :%d %s\n" % (mark, paths[i].encode()))
            mark += 1
        if c % 20000 == 100:
            blob(mark, SECRET.encode())
            ops.append(b"M 100644 :%d config/leak%d.env\n" % (mark, c))
            mark += 1
        if c % 20000 == 5100:
            ops.append(b"D config/leak%d.env\n" % (c - 5000))
        side = c % 500 == 499
        ref = b"refs/heads/side%d" % c if side else b"refs/heads/main"
        out.write(b"commit %s\nmark :%d\n" % (ref, mark))
        when = t0 + c * 60
        out.write(b"author Bench <bench@acme.example> %d +0000\n" % when)
        out.write(b"committer Bench <bench@acme.example> %d +0000\n" % when)
        msg = b"commit %d\n" % c
        out.write(b"data %d\n%s" % (len(msg), msg))
        if side:
            out.write(b"from :%d\n" % main_mark)
        out.writelines(ops)
        out.write(b"\n")
        if not side:
            main_mark = mark
        mark += 1
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", repo, "checkout", "-q", "main"], check=True)


if __name__ == "__main__":
    main()
