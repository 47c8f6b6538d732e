# ffprobe describing a WAV file made at setup (demuxer and decoder found by name).
packages=(ffmpeg sox)
programs=(ffprobe)
command=(ffprobe -hide_banner -loglevel error -show_entries "format=format_name,duration:stream=codec_name,sample_rate,channels" -of compact /var/task/tone.wav)
setup() { sox -n -r 8000 -c 1 "$task/tone.wav" synth 0.5 sine 440; }
