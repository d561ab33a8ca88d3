// warp_scheduler.sv: picks the next warp to issue, round-robin after the last one issued, among
// warps with a runnable lane (live, not waiting at a barrier). Within the chosen warp it applies
// min-PC reconvergence: the issued pc is the smallest pc of the runnable lanes, and the active
// mask is the runnable lanes at that pc. Combinational.
module warp_scheduler #(
    parameter int WARPS = 4,
    parameter int LANES = 8
) (
    input  logic [WARPS*LANES-1:0]             runnable,  // bit w*LANES + l
    input  logic [WARPS*LANES*32-1:0]          pc,        // word w*LANES + l
    input  logic [$clog2(WARPS)-1:0]           last,      // warp issued last time
    output logic                               found,
    output logic [$clog2(WARPS)-1:0]           warp,
    output logic [31:0]                        issue_pc,
    output logic [LANES-1:0]                   active
);
    localparam int WB = $clog2(WARPS);

    always_comb begin
        logic [WB-1:0] w;
        int base;
        found = 1'b0;
        warp = '0;
        // Round-robin: look at last+1, last+2, ..., last (wrapping).
        for (int i = 1; i <= WARPS; i++) begin
            w = WB'((32'(last) + i) % WARPS);
            if (!found && |runnable[32'(w) * LANES +: LANES]) begin
                found = 1'b1;
                warp = w;
            end
        end
        base = 32'(warp) * LANES;
        issue_pc = 32'hffff_ffff;
        for (int l = 0; l < LANES; l++)
            if (runnable[base + l] && pc[32 * (base + l) +: 32] < issue_pc) issue_pc = pc[32 * (base + l) +: 32];
        for (int l = 0; l < LANES; l++)
            active[l] = runnable[base + l] && pc[32 * (base + l) +: 32] == issue_pc;
    end
endmodule
