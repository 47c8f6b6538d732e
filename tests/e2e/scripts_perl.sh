#!/usr/bin/env bash
# elfpack SCRIPT for a Perl script that uses modules (POSIX, List::Util, Data::Dumper): perl comes
# as the script's interpreter, with its closure and its package's modules, and bin/tool runs it on
# the script, served at its own path. In an empty root with Lambda's environment its output is the
# native run's: $0 is the script's path, $^X perl's.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cat > "$t/tool" <<'PERL'
#!/usr/bin/perl -w
use strict;
use POSIX qw(floor strftime);
use List::Util qw(sum max first);
use Data::Dumper;
$Data::Dumper::Sortkeys = 1;
$Data::Dumper::Indent = 1;
print "perl $^X runs $0 with @ARGV\n";
print "floor ", floor(7.9), ", sum ", sum(1 .. 10), ", max ", max(3, 9, 2), ", first ", first { $_ > 4 } (1 .. 9);
print "\n", strftime("%Y-%m-%d", gmtime(86400 * 365)), "\n";
print Dumper({args => [@ARGV], warn => $^W});
PERL
chmod +x "$t/tool"
native=$("$t/tool" one "two words" 2>/dev/null)

# Perl's compiled modules (*.so, of perl-base) and the modules of libperl (Data::Dumper) are not
# data of perl's own package: the package rule brings them, with default options.
cd "$t"
"$ELFPACK" -q ./tool -o tool.zip
unzip -l tool.zip > listing
grep -q " bin/tool$" listing || fail "no bin/tool"
grep -q " bin/perl$" listing || fail "perl is not bundled as a program"
grep -q "/root$t/tool$" listing || fail "the script is not at its own path"
root=$(empty_root root)
unzip -q tool.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/tool one "two words"
# Run from PATH, by name: the same.
expect_output "$native" in_lambda_root "$root" tool one "two words"
