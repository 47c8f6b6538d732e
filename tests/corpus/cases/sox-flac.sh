# SoX synthesizing a tone and encoding it as FLAC through its flac format module (a plugin of
# libsox-fmt-base, loaded with libltdl), to stdout. Nothing normalized.
packages=(sox libsox-fmt-base)
programs=(sox)
command=(sox -n -t flac - synth 0.25 sine 440 gain -3)
