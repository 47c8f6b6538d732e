# espeak-ng synthesizing speech to a WAV on stdout (its phoneme and voice data).
packages=(espeak-ng)
programs=(espeak-ng)
env=(HOME=/tmp)  # else it says "Failed to get home directory."
command=(espeak-ng --stdout -v en "hello corpus")
