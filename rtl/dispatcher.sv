// dispatcher.sv: hands the grid's blocks to the cores in linear order, x fastest: the next block
// goes to an idle core (the lowest-numbered one) as soon as there is one, so up to `cores` blocks
// run at once. Each core keeps its block's numbers (block_id, ctaid x/y/z; flat vectors, core i's
// at [32 * i +: 32]) stable while it runs. Reports `done` when every block was dispatched and every
// core finished; a core fault stops dispatching (the other cores finish their blocks) and
// `fault_core` says which core faulted first (the lowest-numbered one if several at once).
// blockIdx x/y/z are counters stepped as blocks are dispatched (no divider); block_id is the
// linear number (the simulator's order: linear = x + y * grid_x + z * grid_x * grid_y).
module dispatcher #(
    parameter int N = 1
) (
    input  logic            clk,
    input  logic            rst,
    input  logic            launch,      // one-cycle pulse from gpu_top
    input  logic [31:0]     grid_x,
    input  logic [31:0]     grid_y,
    input  logic [31:0]     grid_z,
    input  logic [31:0]     cores,       // cores to use, 1..N (more counts as N)
    input  logic [N-1:0]    core_done,
    input  logic [N-1:0]    core_fault,
    output logic [N-1:0]    core_start,  // one-cycle pulses
    output logic [N*32-1:0] block_id,
    output logic [N*32-1:0] ctaid_x,
    output logic [N*32-1:0] ctaid_y,
    output logic [N*32-1:0] ctaid_z,
    output logic [N-1:0]    running,     // core i has a block of this launch
    output logic            faulted,     // some core faulted in this launch
    output logic [31:0]     fault_core,
    output logic            busy,
    output logic            done         // level: the last launch finished without a fault
);
    logic active;                       // blocks remain to dispatch
    logic [31:0] next_id, nx, ny, nz;
    logic empty, last_x, last_y, last_z, free_found, fault_found;
    logic [31:0] free_core, fcore;
    assign empty = grid_x == 32'd0 || grid_y == 32'd0 || grid_z == 32'd0;
    assign last_x = nx + 1 >= grid_x;
    assign last_y = ny + 1 >= grid_y;
    assign last_z = nz + 1 >= grid_z;

    // An idle core to start, and a core that faulted. In the cycle a core sees core_start, its
    // fault flag still shows its previous block's, so a fault counts only from the next cycle.
    always_comb begin
        free_found = 1'b0;
        free_core = '0;
        fault_found = 1'b0;
        fcore = '0;
        for (int i = N - 1; i >= 0; i--) begin
            if (!running[i] && !core_start[i] && 32'(i) < cores) begin
                free_found = 1'b1;
                free_core = 32'(i);
            end
            if (running[i] && !core_start[i] && core_fault[i]) begin
                fault_found = 1'b1;
                fcore = 32'(i);
            end
        end
    end

    assign busy = active || running != '0;

    always_ff @(posedge clk) begin
        core_start <= '0;
        if (rst) begin
            active <= 1'b0;
            running <= '0;
            done <= 1'b0;
            faulted <= 1'b0;
            fault_core <= '0;
        end else if (launch) begin
            done <= empty;
            faulted <= 1'b0;
            running <= '0;
            next_id <= '0;
            nx <= '0;
            ny <= '0;
            nz <= '0;
            active <= !empty;
        end else begin
            for (int i = 0; i < N; i++)
                if (running[i] && !core_start[i] && (core_done[i] || core_fault[i])) running[i] <= 1'b0;
            if (fault_found && !faulted) begin
                faulted <= 1'b1;
                fault_core <= fcore;
                active <= 1'b0;
            end else if (active && !faulted && free_found) begin
                core_start[free_core] <= 1'b1;
                running[free_core] <= 1'b1;
                block_id[32 * free_core +: 32] <= next_id;
                ctaid_x[32 * free_core +: 32] <= nx;
                ctaid_y[32 * free_core +: 32] <= ny;
                ctaid_z[32 * free_core +: 32] <= nz;
                if (last_x && last_y && last_z) active <= 1'b0;
                next_id <= next_id + 1;
                nx <= last_x ? 32'd0 : nx + 1;
                if (last_x) ny <= last_y ? 32'd0 : ny + 1;
                if (last_x && last_y) nz <= nz + 1;
            end
            if (!faulted && !fault_found && !active && running != '0 &&
                (running & ~(core_done & ~core_start)) == '0)
                done <= 1'b1;
        end
    end
endmodule
