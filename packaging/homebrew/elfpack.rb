# Homebrew formula for elfpack (Linux only: it bundles ELF programs). The url and sha256 are
# those of the release's source tarball (made by CPack: `cmake --build build --target
# package_source`); `stamp.sh TARBALL URL` writes them for a release.
class Elfpack < Formula
  desc "Bundle Linux programs with their shared libraries and dynamic linker"
  homepage "https://github.com/elfpack/elfpack"
  url "https://github.com/elfpack/elfpack/releases/download/v0.1.0/elfpack-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"

  depends_on "cli11" => :build
  depends_on "cmake" => :build
  depends_on "ninja" => :build
  depends_on "pkgconf" => :build
  depends_on "fmt"
  depends_on "libarchive"
  depends_on "libdeflate"
  depends_on :linux
  depends_on "spdlog"
  depends_on "xxhash"
  depends_on "zlib"
  depends_on "zstd"

  def install
    # The test suite needs root, namespaces and chroot: the project's CI runs it.
    system "cmake", "-S", ".", "-B", "build", "-G", "Ninja", "-DELFPACK_TESTS=OFF",
           "-DELFPACK_STATIC_RUNTIME=OFF", *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
  end

  test do
    (testpath/"hello.c").write <<~C
      #include <stdio.h>
      int main(void) { puts("hello from a bundle"); return 0; }
    C
    system ENV.cc, testpath/"hello.c", "-o", testpath/"hello"
    system bin/"elfpack", "--no-detect", testpath/"hello", "-o", testpath/"hello.zip"
    assert_predicate testpath/"hello.zip", :exist?
    assert_match "libc.so.6", shell_output("#{bin}/elfpack inspect --flat #{testpath}/hello")
    assert_match "elfpack #{version}", shell_output("#{bin}/elfpack --version")
  end
end
