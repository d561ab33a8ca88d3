// rr_arbiter.sv: round-robin choice among N requesters, combinational: the first requester after
// `last` (the one granted most recently; the caller keeps it) wins. Serves the memory controller
// (L1s onto the DRAM port) and gpu_top's commit port (cores onto the one commit stream).
module rr_arbiter #(
    parameter int N = 2
) (
    input  logic [N-1:0] req,
    input  logic [31:0]  last,
    output logic         any,   // some requester is granted
    output logic [31:0]  sel,   // which one (0 when none)
    output logic [N-1:0] gnt    // the same, one-hot
);
    always_comb begin
        any = 1'b0;
        sel = '0;
        for (int k = 1; k <= N; k++) begin
            int i;
            i = 32'(last) + k;
            if (i >= N) i = i - N;
            if (!any && req[i]) begin
                any = 1'b1;
                sel = 32'(i);
            end
        end
        gnt = '0;
        if (any) gnt[sel] = 1'b1;
    end
endmodule
