#include "elfpack/write/libarchive_api.h"

#include <dlfcn.h>

#include <string>

#include "elfpack/base/error.h"

namespace elfpack {

namespace {

LibArchive load() {
  // RTLD_LOCAL: its symbols stay out of the global scope; RTLD_NOW: a broken install fails
  // here, with a message, not in the middle of writing.
  void* handle = ::dlopen(ELFPACK_LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw Error(std::string("cannot load ") + ELFPACK_LIBARCHIVE_SONAME + " (libarchive, needed to write archives): " +
                (why != nullptr ? why : "unknown error"));
  }
  LibArchive api;
#define ELFPACK_LIBARCHIVE_RESOLVE(name)                                                                 \
  api.name = reinterpret_cast<decltype(api.name)>(::dlsym(handle, #name));                               \
  if (api.name == nullptr) throw Error(std::string(ELFPACK_LIBARCHIVE_SONAME) + ": has no function " #name);
  ELFPACK_LIBARCHIVE_FUNCTIONS(ELFPACK_LIBARCHIVE_RESOLVE)
#undef ELFPACK_LIBARCHIVE_RESOLVE
  return api;  // the handle stays open for the life of the process
}

}  // namespace

const LibArchive& libarchive() {
  static const LibArchive api = load();
  return api;
}

}  // namespace elfpack
