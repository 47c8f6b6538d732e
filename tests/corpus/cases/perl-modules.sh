# perl with modules of its standard library: POSIX (floor, strftime), Data::Dumper, JSON::PP,
# List::Util, Digest::MD5, Storable, Encode, MIME::Base64, Time::Local. Nothing normalized.
packages=(perl)
programs=(perl)
command=(perl /var/task/work.pl)
setup() {
  cat > "$task/work.pl" <<'PL'
use strict; use warnings;
use POSIX qw(floor strftime); use Data::Dumper; use JSON::PP; use List::Util qw(sum max shuffle);
use Digest::MD5 qw(md5_hex); use Storable qw(dclone); use Encode qw(encode decode); use MIME::Base64;
use Time::Local qw(timegm);
$Data::Dumper::Sortkeys = 1; $Data::Dumper::Indent = 1;
my $d = { name => "corpus", list => [1, 2, 3], nested => { k => "v" } };
print Dumper(dclone($d));
print JSON::PP->new->canonical->encode($d), "\n";
print floor(-2.5), " ", sum(1..10), " ", max(3, 9, 2), " ", md5_hex("corpus"), "\n";
print strftime("%Y-%m-%d %H:%M:%S", gmtime(timegm(0, 30, 12, 29, 1, 2024))), "\n";
print encode_base64(encode("UTF-8", decode("UTF-8", "gr\xc3\xbc\xc3\x9fe")));
PL
}
