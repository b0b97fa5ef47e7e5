// The consultation API's documentation (internal/web/openapi.go keeps it in step with the routes).

package consultweb

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/web"
)

func apiDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/consult/bodies": {Summary: "The bodies of a community (一委三会 and other councils) with their members serving (query community; default the caller's)",
			Resp: web.ItemsOf[gongzhi.Body]{}, Filters: []string{"community"}},
		"POST /api/v1/consult/bodies":     {Summary: "Record a body of a community (community staff)", Req: bodyRequest{}, Resp: gongzhi.Body{}, Status: http.StatusCreated},
		"GET /api/v1/consult/bodies/{id}": {Summary: "A body with its members and their terms (names masked except for the place's staff)", Resp: bodyView{}},
		"POST /api/v1/consult/bodies/{id}/members": {Summary: "Put a person of the community's registry on a body for a term, with a role (community staff)",
			Req: memberRequest{}, Resp: gongzhi.Member{}, Status: http.StatusCreated},
		"POST /api/v1/consult/members/{id}/end": {Summary: "End a member's term on a day (community staff)", Req: endRequest{}},
		"GET /api/v1/consult/topics": {Summary: "Topics of a community, or of the staff's place; state (a state or open) and overdue=true (unanswered past the deadline) narrow them",
			Resp: web.ItemsOf[gongzhi.Topic]{}, Filters: []string{"community", "state", "overdue"}},
		"POST /api/v1/consult/topics": {Summary: "Raise a topic: a resident in their own community; community staff a resident's paper one (person_id), a committee's (body_id) or a need's (need_id); a grid worker one from their grid. The committee answers within the working-day deadline accept_by",
			Req: topicRequest{}, Resp: gongzhi.Topic{}, Status: http.StatusCreated},
		"GET /api/v1/consult/topics/{id}":         {Summary: "A topic with its whole path: comments (hidden ones without text), meetings, votes and decisions", Resp: topicView{}},
		"POST /api/v1/consult/topics/{id}/accept": {Summary: "Accept (受理) a raised topic, once (community staff for the deliberation committee)", Resp: gongzhi.Topic{}},
		"POST /api/v1/consult/topics/{id}/merge":  {Summary: "Merge a raised topic into another open topic of the community, once", Req: mergeRequest{}, Resp: gongzhi.Topic{}},
		"POST /api/v1/consult/topics/{id}/decline": {Summary: "Decline a raised topic with a reason code (private_matter, not_community, unlawful, duplicate, insufficient, other with words), once",
			Req: reasonRequest{}, Resp: gongzhi.Topic{}},
		"POST /api/v1/consult/topics/{id}/support": {Summary: "Support an open topic of one's community, once per resident (resident)", Resp: gongzhi.Topic{}},
		"POST /api/v1/consult/topics/{id}/comments": {Summary: "Comment on, or make a counter-proposal (kind proposal) to, an open topic of one's community (resident)",
			Req: commentRequest{}, Resp: gongzhi.Comment{}, Status: http.StatusCreated},
		"POST /api/v1/consult/comments/{id}/hide": {Summary: "Hide a comment with a reason code (abuse, personal_data, off_topic, advertising, other with words); it is kept, never deleted (community staff)",
			Req: reasonRequest{}},
		"GET /api/v1/consult/meetings": {Summary: "Meetings of a community (query community; default the caller's)", Resp: web.ItemsOf[gongzhi.ConsultMeeting]{}, Filters: []string{"community"}},
		"POST /api/v1/consult/meetings": {Summary: "Call a meeting (议事会 deliberation, 听证会 hearing, 评议会 review, 恳谈会 dialogue) with its agenda, perhaps on a topic and of a body (community staff)",
			Req: meetingRequest{}, Resp: gongzhi.ConsultMeeting{}, Status: http.StatusCreated},
		"GET /api/v1/consult/meetings/{id}":              {Summary: "A meeting with its attendance, speakers, proposals and minutes; the door's sign-in URL for the community's staff while sign-in is open", Resp: meetingView{}},
		"GET /api/v1/consult/meetings/{id}/minutes.xlsx": {Summary: "A meeting's minutes as an Excel workbook (names masked)", Binary: true},
		"POST /api/v1/consult/meetings/{id}/signin-open": {Summary: "Open a planned meeting's sign-in: a new key behind the door's QR code (community staff)", Resp: meetingView{}},
		"POST /api/v1/consult/meetings/{id}/attendees": {Summary: "Sign a person of the community in at a meeting, once (community staff)",
			Req: personRequest{}, Status: http.StatusCreated},
		"POST /api/v1/consult/meetings/{id}/speakers": {Summary: "Record who spoke (a person of the community, or a guest's name) and the gist (community staff)",
			Req: speakerRequest{}, Resp: gongzhi.ConsultSpeaker{}, Status: http.StatusCreated},
		"POST /api/v1/consult/meetings/{id}/proposals": {Summary: "Record a proposal tabled at a meeting (community staff)", Req: proposalRequest{}, Resp: gongzhi.TabledProposal{}, Status: http.StatusCreated},
		"POST /api/v1/consult/meetings/{id}/minutes":   {Summary: "Record the minutes and end the meeting (held), once; the door's code stops signing in", Req: minutesRequest{}, Resp: gongzhi.ConsultMeeting{}},
		"POST /api/v1/consult/meetings/{id}/cancel":    {Summary: "Cancel a meeting not yet held (community staff)", Resp: gongzhi.ConsultMeeting{}},
		"POST /api/v1/consult/signin": {Summary: "Sign oneself in at the meeting whose door code carries key: a resident of its community, while sign-in is open, once",
			Req: signInRequest{}, Resp: gongzhi.ConsultMeeting{}, Status: http.StatusCreated},
		"GET /api/v1/consult/contests":      {Summary: "Idea contests (金点子) of a community (query community; default the caller's)", Resp: web.ItemsOf[gongzhi.Contest]{}, Filters: []string{"community"}},
		"POST /api/v1/consult/contests":     {Summary: "Open an idea contest with a theme and a period (community staff)", Req: contestRequest{}, Resp: gongzhi.Contest{}, Status: http.StatusCreated},
		"GET /api/v1/consult/contests/{id}": {Summary: "An idea contest with its ideas, shortlisted and most supported first", Resp: contestView{}},
		"POST /api/v1/consult/contests/{id}/ideas": {Summary: "Submit an idea to a running contest of one's community (resident)",
			Req: ideaRequest{}, Resp: gongzhi.Idea{}, Status: http.StatusCreated},
		"POST /api/v1/consult/ideas/{id}/support": {Summary: "Support an idea of a running contest of one's community, once per resident (resident)"},
		"POST /api/v1/consult/ideas/{id}/shortlist": {Summary: "Shortlist an idea with a reason code (feasible, widely_supported, low_cost, urgent, other) and words, once (community staff for the committee)",
			Req: reasonRequest{}},
		"GET /api/v1/public/consult/{community}": {Summary: "A community's public consultation: topics, meetings, idea contests and bodies (no personal data)", Resp: publicView{}, Public: true},
	}
}

func init() { web.AddAPIDocs(apiDocs()) }
