// Grid boundaries: imported from GeoJSON, all or nothing, and read back for the maps.
//
// The file is a FeatureCollection whose features are Polygons (an outer ring, then holes) with
// the grid's number in properties.grid_code (or code) and, when the place imported for is not a
// community, the community's 12-digit code in properties.community_code. Each ring is closed
// (its last position repeats its first), has at least four positions, longitudes in [-180, 180]
// and latitudes in [-90, 90], an area, and does not cross itself. A file with any bad feature
// is refused whole: EINVALID naming the feature ("features.N", N from 1) and why, or the file
// (geojson) for a file that is not a FeatureCollection.

package gridwork

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// MaxBoundaryFile is the largest GeoJSON file taken: 5 MiB.
const MaxBoundaryFile = 5 << 20

type geoFile struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

type geoFeature struct {
	Type       string         `json:"type"`
	Geometry   *geoGeometry   `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func propString(p map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := p[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

// ParseBoundaries reads a GeoJSON FeatureCollection into shapes with their grids' numbers and
// communities (community "" when the feature names none), refusing bad geometry as the package
// comment says.
func ParseBoundaries(data []byte) ([]*gongzhi.GridShape, []string, error) {
	var f geoFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, nil, gongzhi.Invalid("geojson", "geo.bad_json")
	}
	if f.Type != "FeatureCollection" {
		return nil, nil, gongzhi.Invalid("geojson", "geo.not_collection")
	}
	if len(f.Features) == 0 {
		return nil, nil, gongzhi.Invalid("geojson", "geo.empty")
	}
	fe := gongzhi.FieldErrors{}
	var shapes []*gongzhi.GridShape
	var communities []string
	for i, ft := range f.Features {
		field := "features." + strconv.Itoa(i+1)
		sh := &gongzhi.GridShape{GridCode: propString(ft.Properties, "grid_code", "code")}
		communities = append(communities, propString(ft.Properties, "community_code"))
		shapes = append(shapes, sh)
		if ft.Type != "Feature" || ft.Geometry == nil {
			fe.Add(field, "geo.not_feature")
			continue
		}
		if ft.Geometry.Type != "Polygon" {
			fe.Add(field, "geo.not_polygon:"+ft.Geometry.Type)
			continue
		}
		if sh.GridCode == "" {
			fe.Add(field, "geo.no_grid_code")
			continue
		}
		var rings [][][]float64
		if err := json.Unmarshal(ft.Geometry.Coordinates, &rings); err != nil || len(rings) == 0 {
			fe.Add(field, "geo.bad_coordinates")
			continue
		}
		if reason := checkRings(rings, sh); reason != "" {
			fe.Add(field, reason)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, nil, err
	}
	return shapes, communities, nil
}

// checkRings validates a polygon's rings and fills the shape; it returns the reason a ring is
// refused, "" if none is.
func checkRings(rings [][][]float64, sh *gongzhi.GridShape) string {
	sh.MinLng, sh.MinLat, sh.MaxLng, sh.MaxLat = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for ri, ring := range rings {
		n := len(ring)
		if n < 4 {
			return "geo.ring_short:" + strconv.Itoa(ri+1)
		}
		pts := make([][2]float64, n)
		for i, p := range ring {
			if len(p) < 2 || math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
				return "geo.bad_position:" + strconv.Itoa(ri+1)
			}
			pts[i] = [2]float64{p[0], p[1]}
			sh.MinLng, sh.MaxLng = math.Min(sh.MinLng, p[0]), math.Max(sh.MaxLng, p[0])
			sh.MinLat, sh.MaxLat = math.Min(sh.MinLat, p[1]), math.Max(sh.MaxLat, p[1])
		}
		if pts[0] != pts[n-1] {
			return "geo.ring_open:" + strconv.Itoa(ri+1)
		}
		if selfCrossing(pts) {
			return "geo.ring_crossing:" + strconv.Itoa(ri+1)
		}
		if math.Abs(ringArea(pts)) < 1e-12 {
			return "geo.ring_flat:" + strconv.Itoa(ri+1)
		}
		sh.Rings = append(sh.Rings, pts)
	}
	return ""
}

// ringArea is a closed ring's signed area (shoelace), in square degrees.
func ringArea(pts [][2]float64) float64 {
	var s float64
	for i := 0; i+1 < len(pts); i++ {
		s += pts[i][0]*pts[i+1][1] - pts[i+1][0]*pts[i][1]
	}
	return s / 2
}

// selfCrossing reports whether two edges of a closed ring that are not neighbours touch or
// cross. Grid boundaries have tens of points, so checking every pair is cheap.
func selfCrossing(pts [][2]float64) bool {
	n := len(pts) - 1 // edges
	if n > 2000 {
		return false
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if j == i+1 || (i == 0 && j == n-1) {
				continue
			}
			if segmentsMeet(pts[i], pts[i+1], pts[j], pts[j+1]) {
				return true
			}
		}
	}
	return false
}

func orient(a, b, c [2]float64) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, c [2]float64) bool {
	return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) && math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
}

func segmentsMeet(p1, p2, p3, p4 [2]float64) bool {
	d1, d2, d3, d4 := orient(p3, p4, p1), orient(p3, p4, p2), orient(p1, p2, p3), orient(p1, p2, p4)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(p3, p4, p1)) || (d2 == 0 && onSegment(p3, p4, p2)) ||
		(d3 == 0 && onSegment(p1, p2, p3)) || (d4 == 0 && onSegment(p1, p2, p4))
}

// ImportBoundaries imports the boundaries of grids of a place in scope (a community, or a street
// whose features name their community) from a GeoJSON file, replacing those the grids had, all
// or nothing. A feature naming a grid that does not exist under the place, or one named twice,
// is refused (features.N: geo.grid_unknown:CODE, geo.grid_twice:CODE). Returns the number of
// grids drawn.
func (a *Service) ImportBoundaries(ctx context.Context, ac *gongzhi.Actor, place string, data []byte) (int, error) {
	if err := kernel.Allow(ac, MayImportBoundaries(ac)); err != nil {
		return 0, err
	}
	if len(data) > MaxBoundaryFile {
		return 0, &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:5 MiB"}
	}
	shapes, communities, err := ParseBoundaries(data)
	if err != nil {
		return 0, err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		p, err := q.GetPlace(ctx, kernel.PlaceScope(ac), place)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Invalid("place", "place.missing")
		} else if err != nil {
			return err
		}
		prefix, _, err := kernel.PlacePrefix(ctx, q, p.Code)
		if err != nil {
			return err
		}
		grids := map[string]int64{} // community/code → id
		if _, err := q.ListGrids(ctx, kernel.PlaceScope(ac), store.ListOptions{Filters: map[string]string{"community": prefix}, Limit: 100000},
			func(g *gongzhi.Grid) error {
				grids[g.CommunityCode+"/"+g.Code] = g.ID
				return nil
			}); err != nil {
			return err
		}
		fe := gongzhi.FieldErrors{}
		seen := map[int64]bool{}
		for i, sh := range shapes {
			field := "features." + strconv.Itoa(i+1)
			c := communities[i]
			if c == "" && p.Level == gongzhi.LevelCommunity {
				c = p.Code
			}
			id, ok := grids[c+"/"+sh.GridCode]
			switch {
			case !ok:
				fe.Add(field, "geo.grid_unknown:"+sh.GridCode)
			case seen[id]:
				fe.Add(field, "geo.grid_twice:"+sh.GridCode)
			}
			seen[id], sh.GridID = true, id
		}
		if err := fe.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		for _, sh := range shapes {
			if err := q.SaveGridShape(ctx, sh, now); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "import", ResBoundaries, p.Code, nil, map[string]int{"grids": len(shapes)}, "")
	})
	if err != nil {
		return 0, err
	}
	return len(shapes), nil
}

// MapGrid is one grid on a map: its boundary, its visit figures and its open events.
type MapGrid struct {
	*gongzhi.GridShape
	Rate       gongzhi.VisitRate `json:"rate"`
	OpenEvents int               `json:"open_events"`
}

// Map is the grids of a place drawn on a map, with the quarter's visit figures, and the grids
// that have no boundary yet.
type Map struct {
	Place    string              `json:"place"`
	Name     string              `json:"name"`
	Period   string              `json:"period"`
	Grids    []MapGrid           `json:"grids"`
	Unmapped []gongzhi.VisitRate `json:"unmapped"`
	Total    gongzhi.VisitRate   `json:"total"`
	// Events says whether the open events are counted (for those who read events): the map may
	// then be shaded by them.
	Events bool `json:"events"`
}

// GridMap returns the grids under a place in scope ("" for the caller's own) with their
// boundaries, this quarter's visit figures and, for those who read events, each grid's open
// events.
func (a *Service) GridMap(ctx context.Context, ac *gongzhi.Actor, place string) (*Map, error) {
	rates, err := a.Rates(ctx, ac, place, "")
	if err != nil {
		return nil, err
	}
	q := a.DB.Q()
	under, _, err := a.placeUnder(ctx, q, ac, place)
	if err != nil {
		return nil, err
	}
	shapes, err := q.GridShapes(ctx, kernel.PlaceScope(ac), under)
	if err != nil {
		return nil, err
	}
	m := &Map{Place: rates.Total.Code, Name: rates.Total.Name, Period: rates.Period, Total: rates.Total, Grids: []MapGrid{}, Unmapped: []gongzhi.VisitRate{}}
	byID := map[int64]*gongzhi.GridShape{}
	for _, s := range shapes {
		byID[s.GridID] = s
	}
	var open map[int64]int
	if a.OpenEventsByGrid != nil {
		if open, err = a.OpenEventsByGrid(ctx, ac, under); err != nil {
			return nil, err
		}
	}
	m.Events = open != nil
	for _, r := range rates.Grids {
		if s := byID[r.GridID]; s != nil {
			m.Grids = append(m.Grids, MapGrid{GridShape: s, Rate: r, OpenEvents: open[r.GridID]})
		} else {
			m.Unmapped = append(m.Unmapped, r)
		}
	}
	return m, nil
}
