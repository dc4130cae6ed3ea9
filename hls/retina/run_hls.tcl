# Vitis HLS flow for the fasttrack retina kernel (Alveo U50, xcu50-fsvh2104-2-e, 250 MHz):
#
#   vitis_hls -f hls/retina/run_hls.tcl -tclargs <preset> [csim|csynth|cosim|export|all]
#
# Run from the repository root with the project's venv active; see hls/README.md.
set kernel retina
source [file join [file dirname [info script]] .. run_hls_common.tcl]
