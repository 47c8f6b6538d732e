# LAME encoding a WAV made at setup to MP3 on stdout.
packages=(lame sox)
programs=(lame)
command=(lame --quiet -b 32 /var/task/tone.wav -)
setup() { sox -n -r 16000 -c 1 "$task/tone.wav" synth 0.5 sine 440; }
