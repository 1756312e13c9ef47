-- GET /rooms/{roomId}/timestamp_to_event: the nearest event to a time in one index range scan.
CREATE INDEX events_by_room_ts ON events (room_id, origin_server_ts, stream_pos);
