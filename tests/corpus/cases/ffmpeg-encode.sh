# ffmpeg generating a tone with its lavfi filters and encoding it as FLAC (-bitexact: no
# encoder version or time in the output), to stdout.
packages=(ffmpeg)
programs=(ffmpeg)
command=(ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i "sine=frequency=440:duration=0.5" -c:a flac -bitexact -f flac -)
