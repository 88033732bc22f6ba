# extract-lab.awk — turns the lab code of one scene file into the listing oscope shows.
# Takes the lines between "LAB-BEGIN" and "LAB-END" comments; leaves out lines that only
# talk to oscope (their text starts with lab_ or LAB_, or carries /*@hide*/); records where
# each lab_stop("marker") falls: the listing line before it (ran) and after it (next).
# Usage: awk -v file=scenes/x.c -v name=x -f tools/extract-lab.awk scenes/x.c
function cstr(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
    return "\"" s "\""
}
function expand(s,    out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\t") { do { out = out " " } while (length(out) % 4) } else out = out c
    }
    return out
}
BEGIN { inside = 0; n = 0; nm = 0; blocks = 0 }
/LAB-BEGIN/ { inside = 1; if (blocks++ > 0 && n > 0) { lines[++n] = "" }; next }
/LAB-END/   { inside = 0; next }
inside {
    t = $0; sub(/^[ \t]+/, "", t)
    if (t ~ /^lab_stop(_sigsafe)?\(/) {
        m = t; sub(/^[^"]*"/, "", m); sub(/".*$/, "", m)
        marker[++nm] = m; ran[nm] = n; pending[nm] = 1
        next
    }
    if (t ~ /^(lab_|LAB_)/ || $0 ~ /\/\*@hide\*\//) next
    line = expand($0); sub(/[ \t]+$/, "", line)
    lines[++n] = line
    for (k = 1; k <= nm; k++) if (pending[k]) { nextl[k] = n; pending[k] = 0 }
}
END {
    printf "/* Generated from %s by tools/extract-lab.awk: do not edit. */\n", file
    print "#include \"scenes/scene.h\""
    print "static const char *const lines[] = {"
    for (i = 1; i <= n; i++) printf "    %s,\n", cstr(lines[i])
    print "    \"\""
    print "};"
    print "static const struct src_mark marks[] = {"
    for (k = 1; k <= nm; k++) printf "    { %s, %d, %d },\n", cstr(marker[k]), ran[k], (pending[k] ? 0 : nextl[k])
    print "    { 0, 0, 0 }"
    print "};"
    printf "extern const struct scene_source scene_src_%s;\n", name
    printf "const struct scene_source scene_src_%s = { %s, lines, %d, marks, %d };\n", name, cstr(file), n, nm
}
