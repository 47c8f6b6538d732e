#!/usr/bin/env bash
# Package detection with rpm: in a root whose programs rpm installed, the package's data (not its
# documentation) comes into the bundle, and the program finds it in an empty root.
source "$(dirname "$0")/common.inc"
command -v rpmbuild >/dev/null && command -v rpm >/dev/null || fail "rpm is not installed (apt-get install rpm)"

mkdir -p "$t/rpm/SOURCES" "$t/rpm/SPECS"
data_reader "$t/rpm/SOURCES/elfpack-demo" /usr/share/elfpack-demo/data.txt
cat > "$t/rpm/SPECS/demo.spec" <<'SPEC'
Name: elfpack-demo
Version: 1.0
Release: 1
Summary: elfpack's rpm detection test
License: MIT
AutoReqProv: no
%global debug_package %{nil}
%global __os_install_post %{nil}
%description
A program and its data.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/elfpack-demo %{buildroot}/usr/share/doc/elfpack-demo
cp %{_sourcedir}/elfpack-demo %{buildroot}/usr/bin/
echo "from the rpm package" > %{buildroot}/usr/share/elfpack-demo/data.txt
echo "documentation" > %{buildroot}/usr/share/doc/elfpack-demo/README
%files
/usr/bin/elfpack-demo
/usr/share/elfpack-demo
%doc /usr/share/doc/elfpack-demo/README
SPEC
rpmbuild -bb --quiet --define "_topdir $t/rpm" "$t/rpm/SPECS/demo.spec" >/dev/null 2>&1 || fail "rpmbuild failed"
package=$(echo "$t"/rpm/RPMS/*/elfpack-demo-1.0-1.*.rpm)

# A root with the C library and an rpm database holding the package.
r=$t/root
glibc_root "$r"
rpm --root "$r" --dbpath /var/lib/rpm --initdb  # where an rpm distribution keeps it
rpm --root "$r" --dbpath /var/lib/rpm -i --nodeps --noscripts --ignorearch --ignoreos "$package" 2>/dev/null || fail "rpm -i failed"
[ -x "$r/usr/bin/elfpack-demo" ] || fail "the package did not install"

check_package_bundle "$r" rpm
