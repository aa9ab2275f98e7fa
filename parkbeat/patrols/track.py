"""Reading a run's GPS track: its points in time order and the data of the run's map (patrols/run_map.js)."""
from django.utils import timezone

from parkbeat.patrols.models import TrackPoint


def track_points(run):
    """The run's stored positions, oldest first (read by the (run, at, id) index)."""
    return TrackPoint.objects.filter(run=run).order_by("at", "id")


def run_map_data(run, progress):
    """The json_script data of the run's map: the track per device ([lat, lon] in time order), the route's
    checkpoints with whether the run reached them, and the check-ins that carried a position."""
    tracks, points = {}, 0
    for device, lon, lat in track_points(run).values_list("device", "lon", "lat"):
        tracks.setdefault(device, []).append([float(lat), float(lon)])
        points += 1
    stops = progress.get("stops", [])
    checkpoints = [{"name": s["checkpoint"].name, "lat": float(s["checkpoint"].lat), "lon": float(s["checkpoint"].lon),
                    "reached": s["checkin"] is not None} for s in stops]
    checkins = [{"name": c.checkpoint.name, "lat": float(c.lat), "lon": float(c.lon), "counted": c.counted,
                 "method": c.method, "at": timezone.localtime(c.at).strftime("%H:%M")}
                for c in progress.get("checkins", []) if c.lat is not None]
    return {"tracks": list(tracks.values()), "points": points, "checkpoints": checkpoints, "checkins": checkins}
