/* The C library's own definition of an interposed function (the next one after this library),
 * found once. With dlsym(RTLD_NEXT) where there is one; without, by reading the dynamic symbol
 * tables of the objects loaded after this library, as dlsym would.
 *
 * dlsym: glibc >= 2.34 has it in libc.so.6, also at its first version, GLIBC_2.2.5; older ones
 * only in libdl.so.2, which a program may not load. So the reference is weak and pinned to that
 * version, and the tables are read where it is missing: every interposed function, readdir
 * included, must reach the C library's (Amazon Linux 2 has glibc 2.26). */
#include "shim.h"

#include <link.h>

#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__GLIBC__) && defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17"); /* aarch64's first glibc */
#elif defined(__GLIBC__)
#error "the oldest glibc symbol version of this architecture is not known here"
#endif
/* musl (this library built with musl-gcc, for musl programs): dlsym is always in its libc. */
extern void *dlsym(void *, const char *) __attribute__((weak));

struct search {
  const char *name;
  unsigned long self; /* an address in this library */
  int after_self;     /* this library was passed: the next definition is the one */
  void *found;
};

static int same_name(const char *a, const char *b) {
  while (*a != '\0' && *a == *b) a++, b++;
  return *a == *b;
}

/* A loaded object's table address: glibc's linker has made it absolute, musl's has not. */
static unsigned long table(const struct dl_phdr_info *info, unsigned long value) {
  return value < info->dlpi_addr ? value + info->dlpi_addr : value;
}

/* Whether symbol i of the object defines the name's default version. */
static int defines(const ElfW(Sym) *syms, const char *strings, const unsigned short *versions, unsigned long i,
                   const char *name) {
  const ElfW(Sym) *s = &syms[i];
  if (s->st_shndx == SHN_UNDEF || s->st_value == 0) return 0;
  if (ELF64_ST_TYPE(s->st_info) != STT_FUNC && ELF64_ST_TYPE(s->st_info) != STT_GNU_IFUNC) return 0;
  if (versions != 0 && (versions[i] & 0x8000) != 0) return 0; /* a hidden, older version */
  return same_name(strings + s->st_name, name);
}

static int search_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct search *search = data;
  const ElfW(Dyn) *dynamic = 0;
  int is_self = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    const unsigned long start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)start;
    if (ph->p_type == PT_LOAD && search->self >= start && search->self - start < ph->p_memsz) is_self = 1;
  }
  if (is_self) {
    search->after_self = 1;
    return 0;
  }
  if (!search->after_self || dynamic == 0) return 0;
  const ElfW(Sym) *syms = 0;
  const char *strings = 0;
  const unsigned int *gnu_hash = 0, *sysv_hash = 0;
  const unsigned short *versions = 0;
  for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++) {
    if (d->d_tag == DT_SYMTAB) syms = (const ElfW(Sym) *)table(info, d->d_un.d_ptr);
    if (d->d_tag == DT_STRTAB) strings = (const char *)table(info, d->d_un.d_ptr);
    if (d->d_tag == DT_GNU_HASH) gnu_hash = (const unsigned int *)table(info, d->d_un.d_ptr);
    if (d->d_tag == DT_HASH) sysv_hash = (const unsigned int *)table(info, d->d_un.d_ptr);
    if (d->d_tag == DT_VERSYM) versions = (const unsigned short *)table(info, d->d_un.d_ptr);
  }
  if (syms == 0 || strings == 0) return 0;
  const char *name = search->name;
  unsigned long found = 0;
  if (gnu_hash != 0) { /* the GNU hash table, as the linker searches it */
    unsigned int h = 5381;
    for (const char *c = name; *c != '\0'; c++) h = h * 33 + (unsigned char)*c;
    const unsigned int buckets = gnu_hash[0], first = gnu_hash[1], bloom_words = gnu_hash[2];
    const unsigned int *bucket = gnu_hash + 4 + bloom_words * (sizeof(ElfW(Addr)) / 4);
    const unsigned int *chain = bucket + buckets;
    if (buckets == 0) return 0;
    unsigned long i = bucket[h % buckets];
    if (i < first) return 0;
    for (;; i++) {
      const unsigned int c = chain[i - first];
      if ((c | 1) == (h | 1) && defines(syms, strings, versions, i, name)) {
        found = i;
        break;
      }
      if (c & 1) break;
    }
  } else if (sysv_hash != 0) { /* DT_HASH: every symbol in turn */
    for (unsigned long i = 1; i < sysv_hash[1] && found == 0; i++)
      if (defines(syms, strings, versions, i, name)) found = i;
  }
  if (found == 0) return 0;
  search->found = (void *)(info->dlpi_addr + syms[found].st_value);
  return 1;
}

void *next(void **cache, const char *name) {
  void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
  if (f != 0) return f;
  if (dlsym != 0) {
    f = dlsym(RTLD_NEXT, name);
  } else {
    struct search search = {name, (unsigned long)&search_object, 0, 0};
    dl_iterate_phdr(search_object, &search);
    f = search.found;
  }
  __atomic_store_n(cache, f, __ATOMIC_RELEASE);
  return f;
}
