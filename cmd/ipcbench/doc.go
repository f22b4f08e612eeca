// Command ipcbench compares IPC data paths.
package main
