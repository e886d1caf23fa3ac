"""Jobs: the lifecycle of one uploaded file, and the ports its storage and launch go through."""
