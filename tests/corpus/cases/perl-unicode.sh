# perl reading its Unicode database (unicore files of the standard library) through
# Unicode::UCD and Unicode::Normalize, with Text::Wrap and a sort under `use locale`.
packages=(perl)
programs=(perl)
command=(perl /var/task/work.pl)
setup() {
  cat > "$task/work.pl" <<'PL'
use strict; use warnings; use utf8;
use Unicode::UCD qw(charinfo); use Unicode::Normalize qw(NFD); use Text::Wrap qw(wrap);
binmode STDOUT, ":encoding(UTF-8)";
my $ci = charinfo(0x00E9);
print "$ci->{name} $ci->{category} $ci->{script}\n";
print join(" ", map { sprintf "%04X", ord } split //, NFD("é")), "\n";
print "\x{3A3}" =~ /\p{Greek}/ ? "greek\n" : "not greek\n";
print lc("ÀÉÎ"), " ", uc("straße"), "\n";
$Text::Wrap::columns = 24;
print wrap("", "  ", "the standard library of perl is a large tree of modules"), "\n";
PL
}
