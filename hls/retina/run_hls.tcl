# Vitis HLS flow for the fasttrack retina kernel (part and clock: fasttrack.hw.platform, via platform.tcl):
#
#   vitis_hls -f hls/retina/run_hls.tcl -tclargs <preset> [csim|csynth|cosim|export|all]
#
# Run from the repository root with the project's venv active; see hls/README.md.
set kernel retina
source [file join [file dirname [info script]] .. run_hls_common.tcl]
