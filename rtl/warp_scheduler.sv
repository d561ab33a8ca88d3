// warp_scheduler.sv: picks the next warp to issue, round-robin after the last one issued, among
// warps with a runnable lane (live, not waiting at a barrier). Within the chosen warp it applies
// min-PC reconvergence: the issued pc is the smallest pc of the runnable lanes, and the active
// mask is the runnable lanes at that pc. Combinational.
module warp_scheduler #(
    parameter int WARPS = 4,
    parameter int LANES = 8
) (
    input  logic [WARPS-1:0][LANES-1:0]        runnable,
    input  logic [WARPS-1:0][LANES-1:0][31:0]  pc,
    input  logic [$clog2(WARPS)-1:0]           last,      // warp issued last time
    output logic                               found,
    output logic [$clog2(WARPS)-1:0]           warp,
    output logic [31:0]                        issue_pc,
    output logic [LANES-1:0]                   active
);
    localparam int WB = $clog2(WARPS);

    always_comb begin
        logic [WB-1:0] w;
        found = 1'b0;
        warp = '0;
        // Round-robin: look at last+1, last+2, ..., last (wrapping).
        for (int i = 1; i <= WARPS; i++) begin
            w = WB'((int'(last) + i) % WARPS);
            if (!found && |runnable[w]) begin
                found = 1'b1;
                warp = w;
            end
        end
        issue_pc = 32'hffff_ffff;
        for (int l = 0; l < LANES; l++)
            if (runnable[warp][l] && pc[warp][l] < issue_pc) issue_pc = pc[warp][l];
        for (int l = 0; l < LANES; l++)
            active[l] = runnable[warp][l] && pc[warp][l] == issue_pc;
    end
endmodule
