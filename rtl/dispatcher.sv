// dispatcher.sv: hands the grid's blocks to the core, one block at a time in linear order, x
// fastest (this configuration has one core that runs one block at a time). Starts block 0 on
// `launch`, the next one after each `core_done`, and reports `done` after the last; a core fault
// stops it. blockIdx x/y/z are counters stepped as blocks are dispatched (no divider); block_id
// is the linear number (the simulator's order: linear = x + y * grid_x + z * grid_x * grid_y).
module dispatcher (
    input  logic        clk,
    input  logic        rst,
    input  logic        launch,      // one-cycle pulse from gpu_top
    input  logic [31:0] grid_x,
    input  logic [31:0] grid_y,
    input  logic [31:0] grid_z,
    input  logic        core_done,
    input  logic        core_fault,
    output logic        core_start,  // one-cycle pulse
    output logic [31:0] block_id,
    output logic [31:0] ctaid_x,
    output logic [31:0] ctaid_y,
    output logic [31:0] ctaid_z,
    output logic        busy,
    output logic        done         // level: the last launch finished without a fault
);
    typedef enum logic [1:0] { D_IDLE, D_ISSUE, D_WAIT } dstate_t;
    dstate_t state;
    logic empty, last_x, last_y, last_z;
    assign empty = grid_x == 32'd0 || grid_y == 32'd0 || grid_z == 32'd0;
    assign last_x = ctaid_x + 1 >= grid_x;
    assign last_y = ctaid_y + 1 >= grid_y;
    assign last_z = ctaid_z + 1 >= grid_z;

    assign busy = state != D_IDLE;

    always_ff @(posedge clk) begin
        core_start <= 1'b0;
        if (rst) begin
            state <= D_IDLE;
            done <= 1'b0;
            block_id <= '0;
            ctaid_x <= '0;
            ctaid_y <= '0;
            ctaid_z <= '0;
        end else if (launch) begin
            done <= empty;
            block_id <= '0;
            ctaid_x <= '0;
            ctaid_y <= '0;
            ctaid_z <= '0;
            state <= empty ? D_IDLE : D_ISSUE;
        end else begin
            case (state)
                D_ISSUE: begin
                    core_start <= 1'b1;
                    state <= D_WAIT;
                end
                // In the cycle the core sees core_start, its fault flag still shows the previous
                // launch's (a launch after a fault used to stop here, as if this block faulted).
                D_WAIT: if (!core_start) begin
                    if (core_fault) state <= D_IDLE;
                    else if (core_done) begin
                        if (last_x && last_y && last_z) begin
                            done <= 1'b1;
                            state <= D_IDLE;
                        end else begin
                            block_id <= block_id + 1;
                            ctaid_x <= last_x ? 32'd0 : ctaid_x + 1;
                            if (last_x) ctaid_y <= last_y ? 32'd0 : ctaid_y + 1;
                            if (last_x && last_y) ctaid_z <= ctaid_z + 1;
                            state <= D_ISSUE;
                        end
                    end
                end
                default: state <= D_IDLE;
            endcase
        end
    end
endmodule
