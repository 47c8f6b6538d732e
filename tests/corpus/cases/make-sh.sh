# GNU make running a Makefile's recipes, which it hands to /bin/sh (a helper make does not name).
packages=(make)
programs=(make)
command=(make -s -f /var/task/Makefile all)
setup() {
  printf 'NAMES := alpha beta\nall: $(NAMES)\n$(NAMES):\n\t@echo "building $@"; i=0; while [ $$i -lt 2 ]; do i=$$((i+1)); printf "%%s step %%d\\n" $@ $$i; done\n' > "$task/Makefile"
}
