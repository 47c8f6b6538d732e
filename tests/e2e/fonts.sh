#!/usr/bin/env bash
# A program with fontconfig finds fonts as it does natively: elfpack brings /etc/fonts, the font
# directories of the font packages fontconfig's configuration package depends on (Debian's
# fonts-dejavu-core), and a configuration file naming those directories and a cache directory in
# /tmp. In an empty root with Lambda's environment, fc-match answers as natively, with nothing
# on stderr, and a program draws text with the font it would draw with natively.
source "$(dirname "$0")/common.inc"
command -v fc-match >/dev/null || skip "fontconfig is not installed"
cd "$t"
lambda_env=(env -i LANG=en_US.UTF-8 TZ=:/etc/localtime PATH=/opt/bin:/usr/local/bin:/usr/bin:/bin LD_LIBRARY_PATH=/opt/lib)
# in_lambda ROOT COMMAND...: COMMAND in the empty ROOT with Lambda's environment, as a user.
in_lambda() {
  local root=$1; shift
  "${lambda_env[@]}" "$(command -v unshare)" --mount --pid --fork --mount-proc="$root/proc" \
    "$(command -v chroot)" --userspec=1000:1000 "$root" "$@"
}
notes=$("$ELFPACK" -v fc-match fc-list -o fonts.zip 2>&1)
grep -q "^elfpack: fontconfig: /etc/fonts and the fonts of " <<<"$notes" || fail "no fonts: $notes"
root=$(empty_root root)
mkdir -m 1777 "$root/tmp"
unzip -q fonts.zip -d "$root/opt"
for family in sans-serif serif monospace; do
  native=$(fc-match "$family")
  out=$(in_lambda "$root" /opt/bin/fc-match "$family" 2>&1)
  [ "$out" = "$native" ] || fail "fc-match $family: native [$native], bundle [$out]"
done
# The fonts it lists are those the bundle carries, as fontconfig lists them here.
priv=$(echo "$root"/opt/lib/elfpack/*)
fonts=$(cd "$priv/root" && find usr/share/fonts -type f | sed 's|^|/|; s|$|:|')
[ -n "$fonts" ] || fail "no font brought"
native=$(fc-list | grep -F "$fonts" | sort)
out=$(in_lambda "$root" /opt/bin/fc-list 2>&1 | sort)
[ "$out" = "$native" ] || fail "fc-list: native [$native], bundle [$out]"
# The cache fontconfig wrote in /tmp serves the next run.
ls "$root/tmp/fontconfig-cache-"*/*.cache-* >/dev/null || fail "no cache written in /tmp"
# A shell front end that runs fc-match: a helper's libraries bring what they assume of the
# machine too (fontconfig's configuration and fonts), as a program's do.
fc=$(command -v fc-match)
printf '#!/bin/sh\nexec %s "$@"\n' "$fc" > "$t/front-fc"
chmod +x "$t/front-fc"
"$ELFPACK" -q "$t/front-fc" -o front.zip
root=$(empty_root front-root)
mkdir -m 1777 "$root/tmp"
unzip -q front.zip -d "$root/opt"
native=$(fc-match sans-serif)
out=$(in_lambda "$root" /opt/bin/front-fc sans-serif 2>&1)
[ "$out" = "$native" ] || fail "fc-match run by a front end: native [$native], bundle [$out]"
# Drawing text: a program of fontconfig and FreeType draws it as natively (font, width, ink).
pkg-config --exists fontconfig freetype2 || skip "no libfontconfig-dev or libfreetype-dev to build the drawing fixture"
# shellcheck disable=SC2046
cc -o font_render "$fixtures/font_render.c" $(pkg-config --cflags --libs fontconfig freetype2)
"$ELFPACK" -q ./font_render -o render.zip
render_root=$(empty_root render-root)
mkdir -m 1777 "$render_root/tmp"
unzip -q render.zip -d "$render_root/opt"
for family in sans-serif serif monospace; do
  native=$(./font_render "$family")
  out=$(in_lambda "$render_root" /opt/bin/font_render "$family" 2>&1)
  [ "$out" = "$native" ] || fail "drawing in $family: native [$native], bundle [$out]"
done
# A plugin that uses fontconfig, loaded by a program that does not: what the libraries assume is
# decided over the plugins' closures too. The plugin matches as natively (Helvetica too: the
# installed font packages that fontconfig's configuration package lists as alternatives come
# with the first), and fontconfig writes its cache in /tmp, saying nothing on stderr.
cc -o plugin_host "$fixtures/plugin_host.c" -ldl
# shellcheck disable=SC2046
cc -shared -fPIC -o libfontplug.so "$fixtures/font_plugin.c" $(pkg-config --cflags --libs fontconfig)
"$ELFPACK" -q ./plugin_host --add "$t/libfontplug.so=/usr/lib/elfpack-test/libfontplug.so" -o plugin.zip
plugin_root=$(empty_root plugin-root)
mkdir -m 1777 "$plugin_root/tmp"
unzip -q plugin.zip -d "$plugin_root/opt"
native=$(./plugin_host "$t/libfontplug.so" 2>&1)
out=$(in_lambda "$plugin_root" /opt/bin/plugin_host /usr/lib/elfpack-test/libfontplug.so 2>&1)
[ "$out" = "$native" ] || fail "a plugin's fonts: native [$native], bundle [$out]"
ls "$plugin_root/tmp/fontconfig-cache-"*/*.cache-* >/dev/null || fail "no cache written in /tmp for the plugin"
# Without the bundled configuration, no font is found: the bundle is what makes it work.
rm -r "$priv/root/etc/fonts"
out=$(in_lambda "$root" /opt/bin/fc-match sans-serif 2>&1 || true)
[ "$out" != "$(fc-match sans-serif)" ] || fail "fonts found without the bundled configuration"
rm -r "$render_root"/opt/lib/elfpack/*/root/etc/fonts
out=$(in_lambda "$render_root" /opt/bin/font_render 2>&1 || true)
[ "$out" != "$(./font_render)" ] || fail "text drawn without the bundled configuration"
