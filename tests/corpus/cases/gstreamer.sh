# GStreamer's gst-launch-1.0 running a pipeline of plugins (audiotestsrc, audioconvert from
# plugins-base, wavenc from plugins-good), found through its plugin directory and registry; the
# WAV goes to stdout. Nothing normalized.
packages=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
programs=(gst-launch-1.0)
env=(HOME=/tmp)  # GLib warns, with the time, without a home; its registry goes under it
command=(gst-launch-1.0 -q audiotestsrc num-buffers=4 samplesperbuffer=800 ! audio/x-raw,rate=8000,channels=1 ! audioconvert ! wavenc ! fdsink fd=1)
