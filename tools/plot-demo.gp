# SPDX-License-Identifier: ISC
#
# Draws build/demo.png from the demo render: the waveform (min/max per
# 10 ms) above the spectrogram that sox made, with every patch swap marked.
# Called by `./waf demo` as:
#   gnuplot -e "dir='build'; seconds=45; rate=48000" tools/plot-demo.gp
set terminal pngcairo size 1600,900 font "DejaVu Sans,11"
set output dir."/demo.png"
set multiplot layout 2,1 title "Chronus demo: waveform and spectrogram, patch swaps marked"

swaps = dir."/demo-swaps.txt"
stats swaps using 1 nooutput
n_swaps = STATS_records
do for [i=0:n_swaps-1] {
	stats swaps every ::i::i using 1 nooutput
	set arrow from STATS_min, graph 0 to STATS_min, graph 1 nohead lc rgb "#d62728" lw 1.5 dt 2 front
}

set lmargin at screen 0.07
set rmargin at screen 0.97
set xrange [0:seconds]
set yrange [-1:1]
set ylabel "amplitude"
set format x ""
set grid ytics
plot dir."/demo-envelope.txt" using 1:2:3 with filledcurves lc rgb "#1f77b4" notitle, \
     swaps using 1:(0.92):(sprintf("%.2f", $2)) with labels tc rgb "#d62728" font ",9" notitle

set xlabel "time (s); red: patch swaps, labelled above with their click metric"
set format x "%g"
set ylabel "frequency (Hz)"
set yrange [0:rate/2]
unset grid
# sox's raw spectrogram: x pixels over the whole length, y pixels over 0..rate/2.
plot dir."/demo-spectrogram.png" binary filetype=png \
     dx=(seconds/1200.0) dy=(rate/2.0/400.0) with rgbimage notitle
unset multiplot
