# espeak-ng translating English text to IPA phonemes with its voice and dictionary data (a
# compiled-in data path); no audio device is opened (-q).
packages=(espeak-ng)
programs=(espeak-ng)
env=(HOME=/tmp)  # else it says "Failed to get home directory."
command=(espeak-ng -q --ipa -v en-us "The quick brown fox jumps over the lazy dog")
